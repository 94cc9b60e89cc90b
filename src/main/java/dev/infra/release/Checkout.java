package dev.infra.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A host's git checkout of the app as read with its state: where HEAD is, what is modified, and the
 * ref the inventory names as the remote has it now (the commits between the two, newest first).
 *
 * @param problem    why the checkout or the ref could not be read (no checkout, remote unreachable, no such ref)
 * @param published  HEAD is on some branch or tag of the remote (false: local commits nobody pushed)
 * @param headTag    a tag of the remote at HEAD, if there is one (what the current version is called)
 */
public record Checkout(String head, List<String> modified, Optional<String> target, Optional<String> problem,
                       int ahead, int behind, List<String> log, boolean published, Optional<String> headTag) {

    public boolean atTarget() {
        return target.isPresent() && target.get().equals(head);
    }

    public static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    /** Parses what {@link ReleaseCommands#probe} prints. */
    public static Checkout parse(String text) {
        String head = "";
        List<String> modified = new ArrayList<>();
        Optional<String> target = Optional.empty();
        Optional<String> problem = Optional.empty();
        int ahead = 0;
        int behind = 0;
        boolean published = true;
        List<String> log = new ArrayList<>();
        Optional<String> named = Optional.empty();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            String key = sp < 0 ? line : line.substring(0, sp);
            String value = sp < 0 ? "" : line.substring(sp + 1);
            switch (key) {
                case "head" -> head = value.strip();
                case "modified" -> modified.add(value);
                case "target" -> target = value.isBlank() ? Optional.empty() : Optional.of(value.strip());
                case "problem" -> problem = Optional.of(problem.map(p -> p + "; ").orElse("") + value.strip());
                case "ahead" -> ahead = number(value);
                case "behind" -> behind = number(value);
                case "unpublished" -> published = false;
                case "log" -> log.add(value);
                case "named" -> named = Optional.of(value.strip()).filter(v -> !v.isEmpty());
                default -> { }
            }
        }
        if (problem.isEmpty() && target.isEmpty()) {
            problem = Optional.of("the checkout could not be read");
        }
        return new Checkout(head, List.copyOf(modified), target, problem, ahead, behind, List.copyOf(log), published, named);
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
