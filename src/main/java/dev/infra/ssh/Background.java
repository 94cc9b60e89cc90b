package dev.infra.ssh;

import java.util.concurrent.Executor;

/**
 * A fresh daemon thread per blocking network task. Not the common pool: a read stuck on a silent
 * host must never starve the handshakes and checks of healthy hosts that share that pool.
 */
public final class Background {
    public static final Executor THREAD_PER_TASK = task -> {
        Thread t = new Thread(task, "infra-io");
        t.setDaemon(true);
        t.start();
    };

    private Background() {}
}
