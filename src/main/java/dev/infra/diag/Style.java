package dev.infra.diag;

/**
 * Terminal styling. Colour only when asked for and when NO_COLOR (https://no-color.org) is unset,
 * so pipes, CI logs and tests get plain text.
 */
public record Style(boolean color) {
    public static final Style PLAIN = new Style(false);

    public static Style detect(boolean noColorFlag) {
        boolean noColorEnv = System.getenv("NO_COLOR") != null && !System.getenv("NO_COLOR").isEmpty();
        boolean tty = System.console() != null;
        return new Style(tty && !noColorFlag && !noColorEnv);
    }

    public String red(String s) { return wrap("31", s); }
    public String green(String s) { return wrap("32", s); }
    public String yellow(String s) { return wrap("33", s); }
    public String cyan(String s) { return wrap("36", s); }
    public String bold(String s) { return wrap("1", s); }

    private String wrap(String code, String s) {
        return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
