package dev.infra.cli;

/** Terraform's convention, which CI scripts already understand. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int ERROR = 1;
    /** Only where a flag such as --detailed-exitcode asks for it. */
    public static final int CHANGES = 2;

    private ExitCodes() {}
}
