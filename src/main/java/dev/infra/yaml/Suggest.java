package dev.infra.yaml;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean …?" — the closest known name within a small edit distance. */
public final class Suggest {
    private Suggest() {}

    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(input.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Allow roughly one typo per four characters, at least one, at most three.
        int allowed = Math.max(1, Math.min(3, input.length() / 4));
        if (best != null && (bestDistance <= allowed || isAffix(input, best))) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    /** " Did you mean 'x'?" or "" — ready to append to a message. */
    public static String didYouMean(String input, Collection<String> candidates) {
        return closest(input, candidates).map(s -> " Did you mean '" + s + "'?").orElse("");
    }

    private static boolean isAffix(String input, String candidate) {
        String a = input.toLowerCase();
        String b = candidate.toLowerCase();
        return a.length() >= 3 && (b.startsWith(a) || a.startsWith(b) && b.length() >= 3);
    }

    /** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one typo. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
