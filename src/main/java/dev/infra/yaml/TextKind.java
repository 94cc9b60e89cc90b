package dev.infra.yaml;

/** What a string field may contain besides literal text. */
public enum TextKind {
    /** Literal text and ${var:NAME}. */
    PLAIN,
    /** Also ${env:NAME} and ${file:PATH} anywhere in the value (e.g. a managed env value). */
    MAY_REFERENCE_SECRETS,
    /** Exactly one ${env:NAME} or ${file:PATH}: a secret is never written into an inventory. */
    SECRET
}
