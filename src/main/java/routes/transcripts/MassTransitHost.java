package routes.transcripts;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code host} block MassTransit writes into every envelope (and as {@code MT-Host-*} fault headers), here
 * describing the hub: the machine, the Java process, the hub's name and version, the Java version as the framework
 * and the Camel version in place of MassTransit's.
 */
public record MassTransitHost(String machineName, String processName, long processId, String assembly,
                              String assemblyVersion, String frameworkVersion, String massTransitVersion,
                              String operatingSystemVersion) {

    public static MassTransitHost current(String assembly, String assemblyVersion, String camelVersion) {
        return new MassTransitHost(localMachineName(), "java", ProcessHandle.current().pid(), assembly, assemblyVersion,
                System.getProperty("java.version"), "Apache Camel " + camelVersion,
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    /** The envelope's {@code host} object, keys in MassTransit's order. */
    public Map<String, Object> asEnvelopeHost() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("machineName", machineName);
        host.put("processName", processName);
        host.put("processId", processId);
        host.put("assembly", assembly);
        host.put("assemblyVersion", assemblyVersion);
        host.put("frameworkVersion", frameworkVersion);
        host.put("massTransitVersion", massTransitVersion);
        host.put("operatingSystemVersion", operatingSystemVersion);
        return host;
    }

    /** The {@code MT-Host-*} headers MassTransit adds to a message it moves to {@code _error}. */
    public Map<String, Object> asFaultHeaders() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("MT-Host-MachineName", machineName);
        headers.put("MT-Host-ProcessName", processName);
        headers.put("MT-Host-ProcessId", processId);
        headers.put("MT-Host-Assembly", assembly);
        headers.put("MT-Host-AssemblyVersion", assemblyVersion);
        headers.put("MT-Host-MassTransitVersion", massTransitVersion);
        headers.put("MT-Host-FrameworkVersion", frameworkVersion);
        headers.put("MT-Host-OperatingSystemVersion", operatingSystemVersion);
        return headers;
    }

    private static String localMachineName() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
