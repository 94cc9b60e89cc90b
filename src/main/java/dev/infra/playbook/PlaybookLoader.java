package dev.infra.playbook;

import dev.infra.diag.Diagnostics;
import dev.infra.diag.InvalidInputException;
import dev.infra.yaml.MapReader;
import dev.infra.yaml.ReadContext;
import dev.infra.yaml.SafeYaml;
import dev.infra.yaml.TextKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads playbooks/*.yml as strictly as inventories: unknown keys, a step with no or two operations,
 * unknown variables — each reported at file:line:column.
 */
public final class PlaybookLoader {
    static final List<String> KINDS = List.of("plan", "apply", "verify", "restart", "exec", "nats", "triage", "onboard", "confirm");
    private static final Pattern VAR = Pattern.compile("[a-z_][a-z0-9_]*");

    private PlaybookLoader() {}

    public static Playbook load(Path file, Map<String, String> overrides) {
        Diagnostics diags = new Diagnostics();
        Optional<Node> root = SafeYaml.load(file, diags);
        if (root.isEmpty()) {
            throw new InvalidInputException(diags);
        }
        ReadContext ctx = new ReadContext(file, diags);
        MapReader top = MapReader.root(ctx, root.get());
        String description = top.string("description", "");
        LinkedHashMap<String, String> vars = top.stringMap("vars", VAR, "variable names are lower_snake_case", TextKind.PLAIN);
        vars.putAll(overrides);
        ctx.setVariables(vars);
        List<Playbook.Step> steps = new ArrayList<>();
        for (MapReader s : top.sectionList("steps")) {
            steps.add(step(s));
        }
        if (steps.isEmpty() && diags.isEmpty()) {
            ctx.error(top.loc(), "the playbook has no steps", "list them under steps:");
        }
        top.finish();
        if (!diags.isEmpty()) {
            throw new InvalidInputException(diags);
        }
        return new Playbook(file, description, vars, List.copyOf(steps));
    }

    private static Playbook.Step step(MapReader s) {
        String name = s.string("name", "");
        List<String> present = KINDS.stream().filter(s::has).toList();
        if (present.size() != 1) {
            s.context().error(s.loc(), "a step does exactly one thing; this one has " + (present.isEmpty() ? "none" : present),
                    "use one of: " + String.join(", ", KINDS));
            s.finish();
            return new Playbook.Step(name, "invalid", List.of(), "", Set.of(0), s.loc());
        }
        String kind = present.get(0);
        List<String> args = new ArrayList<>();
        String prompt = "";
        Set<Integer> ok = Set.of(0);
        switch (kind) {
            case "confirm" -> prompt = s.requiredString("confirm", "write the question to ask");
            case "triage" -> args.addAll(List.of("triage", s.requiredString("triage", "name the job id")));
            case "nats" -> {
                args.add("nats");
                args.addAll(List.of(s.requiredString("nats", "e.g. nats: prune --empty").trim().split("\\s+")));
                ok = Set.of(0, 2);
            }
            default -> {
                MapReader m = s.map(kind);
                args.add(kind);
                switch (kind) {
                    case "plan" -> {
                        flag(m, "limit", "--limit", args);
                        ok = Set.of(0, 2);
                    }
                    case "apply" -> {
                        args.add("--yes");
                        flag(m, "limit", "--limit", args);
                        flag(m, "batch", "--batch", args);
                        flag(m, "max_fail", "--max-fail", args);
                    }
                    case "verify" -> {
                        flag(m, "limit", "--limit", args);
                        flag(m, "timeout", "--timeout", args);
                        ok = "warn".equals(m.string("fail_on", "crit")) ? Set.of(0) : Set.of(0, 1);
                    }
                    case "restart" -> {
                        flag(m, "limit", "--limit", args);
                        flag(m, "batch", "--batch", args);
                        m.stringList("services", TextKind.PLAIN).forEach(x -> args.addAll(List.of("--service", x)));
                    }
                    case "exec" -> {
                        flag(m, "limit", "--limit", args);
                        flag(m, "timeout", "--timeout", args);
                        flag(m, "batch", "--batch", args);
                        String command = m.requiredString("command", "the shell command to run on each host");
                        args.add("--");
                        args.add(command == null ? "true" : command);
                    }
                    case "onboard" -> {
                        args.add(m.requiredString("name", "the new host's inventory name"));
                        flag(m, "address", "--address", args);
                        flag(m, "via", "--via", args);
                        flag(m, "role", "--role", args);
                        flag(m, "host_key", "--host-key", args);
                    }
                    default -> { }
                }
                m.finish();
            }
        }
        s.finish();
        return new Playbook.Step(name.isEmpty() ? kind : name, kind, List.copyOf(args), prompt, ok, s.loc());
    }

    private static void flag(MapReader m, String key, String flag, List<String> args) {
        m.optString(key).filter(v -> !v.isBlank()).ifPresent(v -> {
            args.add(flag);
            args.add(v);
        });
    }
}
