package routes.faults;

/**
 * One scenario's result, printed as the line the suite promises:
 * {@code scenario: sent N, accepted N, delivered N, lost N, duplicates N, fault lasted S s}.
 */
record FaultReport(String scenario, int sent, int accepted, int delivered, int lost, int duplicates, double faultSeconds) {

    String line() {
        return String.format(java.util.Locale.ROOT, "%s: sent %d, accepted %d, delivered %d, lost %d, duplicates %d, fault lasted %.1f s",
                scenario, sent, accepted, delivered, lost, duplicates, faultSeconds);
    }

    FaultReport print() {
        System.out.println("[faults] " + line());
        return this;
    }
}
