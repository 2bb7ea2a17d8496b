package routes.faults;

/** A fault a scenario injects (and restores): stopping and starting processes may throw. */
@FunctionalInterface
interface Fault {
    void inject() throws Exception;
}
