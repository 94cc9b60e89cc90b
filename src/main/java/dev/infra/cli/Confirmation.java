package dev.infra.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The one confirmation prompt: only "yes" (as Terraform asks) approves; anything else, or no input, refuses. */
final class Confirmation {
    /** One reader for the whole run, so a second question does not lose input the first one buffered. */
    private static BufferedReader stdin;

    private Confirmation() {}

    /** Prints {@code prompt} (it says that only 'yes' approves) and reads one line of input. */
    static boolean ask(PrintWriter out, String prompt) {
        out.print(prompt);
        out.flush();
        try {
            String answer = reader().readLine();
            return "yes".equals(answer == null ? null : answer.strip());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a person can be asked at all. */
    static boolean interactive() {
        return System.console() != null;
    }

    private static synchronized BufferedReader reader() {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return stdin;
    }
}
