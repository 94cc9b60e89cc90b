package dev.infra.lab;

/** IPv4 CIDR arithmetic, enough to keep a lab's network clear of every other one. */
final class Subnets {
    private Subnets() {}

    static boolean overlap(String a, String b) {
        if (a.contains(":") || b.contains(":")) {
            return false;
        }
        long[] x = range(a);
        long[] y = range(b);
        return x[0] <= y[1] && y[0] <= x[1];
    }

    static long[] range(String cidr) {
        String[] parts = cidr.split("/");
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        long ip = 0;
        for (String octet : parts[0].split("\\.")) {
            ip = (ip << 8) | Integer.parseInt(octet);
        }
        long size = 1L << (32 - bits);
        long first = ip & ~(size - 1) & 0xffffffffL;
        return new long[] {first, first + size - 1};
    }
}
