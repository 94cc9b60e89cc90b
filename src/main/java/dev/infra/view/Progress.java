package dev.infra.view;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * How far long work has got (apply's batches, verify's checks, prune's deletions), on stderr so that
 * stdout stays the command's output. On a terminal: one status line rewritten in place (JLine reads
 * the terminal's capabilities) and cleared at the end. Otherwise, or with NO_COLOR/--no-color: plain
 * lines for logs and CI, at most one every {@link #PLAIN_EVERY_MS} ms and only once the work has run
 * that long (short work stays silent), then one at the end.
 */
public abstract class Progress implements AutoCloseable {
    static final long PLAIN_EVERY_MS = 5000;
    final long start = System.nanoTime();
    private final String what;
    private boolean done;
    private String last;

    Progress(String what) {
        this.what = what;
    }

    /**
     * Progress for {@code what} ("verify", "apply"): a status line when stderr is a terminal and
     * {@code plain} is false, plain lines on {@code err} otherwise.
     */
    public static Progress of(String what, PrintWriter err, boolean plain) {
        if (!plain && System.console() != null) {
            try {
                // nativeSignals(false): JLine would otherwise reset SIGINT to the OS default, and Ctrl-C
                // would end the JVM without its shutdown hooks (apply's lock release among them).
                Terminal t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr)
                        .nativeSignals(false).dumb(false).build();
                if (!Terminal.TYPE_DUMB.equals(t.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                    return new Line(what, t);
                }
                t.close();
            } catch (IOException | IllegalStateException e) {
                // no usable terminal: plain lines below
            }
        }
        return new Plain(what, err, PLAIN_EVERY_MS);
    }

    /** Nothing shown: for callers that have no progress to show (tests, nested work). */
    public static Progress none() {
        return new Progress("") {
            @Override
            void show(String text, boolean last) {}
        };
    }

    /** The current state, e.g. "batch 2/4: 5 host(s) done, 0 failed"; nothing once finished or closed. */
    public final synchronized void update(String state) {
        if (!done) {
            last = state;
            show(text(state), false);
        }
    }

    /**
     * A line of the command's own output ({@code out}, apply's per-host steps) while progress shows:
     * the status line is cleared first and drawn again after, so the two never share a line.
     */
    public final synchronized void println(PrintWriter out, String line) {
        clear();
        out.println(line);
        out.flush();
        if (!done && last != null) {
            redraw(text(last));
        }
    }

    /** The final state; a terminal's status line is cleared, a plain line is printed. Later updates show nothing. */
    public final synchronized void finish(String state) {
        if (!done) {
            done = true;
            show(text(state), true);
        }
    }

    @Override
    public synchronized void close() {
        done = true;
        clear();
    }

    /** Removes the status line from the screen (a terminal's); nothing for plain lines. */
    synchronized void clear() {}

    /** Shows the status line again after a line of output (a terminal's); nothing for plain lines. */
    void redraw(String text) {}

    String text(String state) {
        return what + ": " + state + String.format(Locale.ROOT, " (%ds)", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    abstract void show(String text, boolean last);

    /** A status line on the terminal, rewritten in place. */
    static final class Line extends Progress {
        private final Terminal terminal;
        private boolean shown;

        Line(String what, Terminal terminal) {
            super(what);
            this.terminal = terminal;
        }

        @Override
        void show(String text, boolean last) {
            clear();
            if (!last) {
                redraw(text);
            }
        }

        @Override
        void redraw(String text) {
            int width = Math.max(20, terminal.getWidth() - 1);
            terminal.writer().print(text.length() > width ? text.substring(0, width - 1) + "…" : text);
            terminal.flush();
            shown = true;
        }

        @Override
        synchronized void clear() {
            if (shown) {
                terminal.puts(Capability.carriage_return);
                terminal.puts(Capability.clr_eol);
                terminal.flush();
                shown = false;
            }
        }

        @Override
        public synchronized void close() {
            super.close();
            try {
                terminal.close();
            } catch (IOException e) {
                // the terminal is gone already
            }
        }
    }

    /** Plain lines, not too many. */
    static final class Plain extends Progress {
        private final PrintWriter err;
        private final long everyMs;
        private long lastShown;

        Plain(String what, PrintWriter err, long everyMs) {
            super(what);
            this.err = err;
            this.everyMs = everyMs;
        }

        @Override
        void show(String text, boolean last) {
            long now = System.nanoTime();
            boolean due = last ? lastShown != 0
                    : TimeUnit.NANOSECONDS.toMillis(now - (lastShown == 0 ? start : lastShown)) >= everyMs;
            if (due) {
                err.println(text);
                err.flush();
                lastShown = now;
            }
        }
    }
}
