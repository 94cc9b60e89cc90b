package dev.infra.ssh;

/** What a remote command did. Exit 124 means infra stopped it at its timeout. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public static final int TIMED_OUT = 124;

    public boolean ok() {
        return exitCode == 0;
    }

    /** The most useful line for a human when it failed. */
    public String reason() {
        String s = !stderr.isBlank() ? stderr : stdout;
        s = s.strip();
        return s.isEmpty() ? "exit " + exitCode : s.lines().reduce((a, b) -> b).orElse(s);
    }
}
