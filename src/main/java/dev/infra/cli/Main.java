package dev.infra.cli;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Entry point: builds the command tree and turns every failure into a message and an exit code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree: every command's options and help (the command list, man pages). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new InfraCommand());
        ErrorHandling.install(cl);
        return cl;
    }

    /**
     * The command line that runs {@code args}. When they start with a command's name, only that
     * command is modelled under infra: picocli reads every option of every command it is given, and
     * the whole tree took 0.12-0.16 s of a 1 s one-host plan (measured here). Anything else (no command,
     * an option first, an unknown name) gets the whole tree, with its help and its suggestions.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cl = onlyThe(args).orElseGet(() -> new CommandLine(new InfraCommand()));
        ErrorHandling.install(cl);
        return cl;
    }

    private static Optional<CommandLine> onlyThe(String[] args) {
        Command infra = InfraCommand.class.getAnnotation(Command.class);
        Map<String, Class<?>> commands = new HashMap<>();
        for (Class<?> c : infra.subcommands()) {
            if (c != AutoComplete.GenerateCompletion.class) {  // the completion script is made from the whole tree
                Command sub = c.getAnnotation(Command.class);
                commands.put(sub.name(), c);
                Arrays.stream(sub.aliases()).forEach(a -> commands.put(a, c));
            }
        }
        InfraCommand root = new InfraCommand();
        root.global = new GlobalOptions();
        CommandSpec global = CommandSpec.forAnnotatedObject(root.global);
        int at = commandIndex(args, global, commands.keySet());
        if (at >= args.length || !commands.containsKey(args[at])) {
            return Optional.empty();
        }
        Class<?> c = commands.get(args[at]);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(root)
                .name(infra.name())
                .mixinStandardHelpOptions(infra.mixinStandardHelpOptions())
                .versionProvider(new VersionProvider());
        spec.addMixin("global", global);
        CommandLine cl = new CommandLine(spec);
        cl.addSubcommand(c.getAnnotation(Command.class).name(), c);
        return Optional.of(cl);
    }

    /**
     * Where the command's name is: after the global options given before it (`infra -i FILE --var
     * k=v plan`), as picocli's model of them says which take a value. Anything it cannot be sure of
     * (an option it does not know, a value that is itself a command's name) is past the end: the
     * whole tree decides.
     */
    static int commandIndex(String[] args, CommandSpec global, Set<String> commands) {
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            int eq = args[i].indexOf('=');
            String name = eq < 0 ? args[i] : args[i].substring(0, eq);
            OptionSpec o = global.findOption(name);
            if (o == null || !Arrays.asList(o.names()).contains(name)) {
                return args.length;
            }
            boolean separateValue = o.arity().max() > 0 && eq < 0;
            if (separateValue && (i + 1 >= args.length || commands.contains(args[i + 1]))) {
                return args.length;
            }
            i += separateValue ? 2 : 1;
        }
        return i;
    }
}
