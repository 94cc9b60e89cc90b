package dev.infra.plan;

/** What will happen to one thing, with Terraform's symbols. */
public enum Action {
    CREATE("+", "create"),
    UPDATE("~", "update in-place"),
    REPLACE("-/+", "recreate"),
    RELOAD("~", "reload in place"),
    START("~", "start"),
    DELETE("-", "remove");

    private final String symbol;
    private final String verb;

    Action(String symbol, String verb) {
        this.symbol = symbol;
        this.verb = verb;
    }

    public String symbol() {
        return symbol;
    }

    public String verb() {
        return verb;
    }
}
