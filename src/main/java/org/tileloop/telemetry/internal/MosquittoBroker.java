package org.tileloop.telemetry.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tileloop.rig.RigUnavailableException;

/**
 * A mosquitto child process on 127.0.0.1 with a generated config in {@code stateDir}: password
 * file, the shipped ACL, persistence (saved on every change) so queued QoS 1 messages survive a
 * restart. Used by the daemon when no broker is configured, and by the tests.
 */
public final class MosquittoBroker implements AutoCloseable {

    private final Path stateDir;
    private final int port;
    private volatile Process process;
    private volatile boolean closed;
    private Thread supervisor;

    private MosquittoBroker(Path stateDir, int port) {
        this.stateDir = stateDir;
        this.port = port;
    }

    /**
     * @param port 0: 1883 when free, else any free port
     * @param anonymousRead let unauthenticated clients read telemetry (never write)
     * @param users user name to password
     */
    public static MosquittoBroker start(Path stateDir, int port, boolean anonymousRead, Map<String, String> users)
            throws IOException {
        Path mosquitto = which("mosquitto", "/usr/sbin/mosquitto");
        Path passwd = which("mosquitto_passwd", "/usr/bin/mosquitto_passwd");
        if (mosquitto == null || passwd == null) {
            throw new RigUnavailableException("the local MQTT broker needs mosquitto: sudo apt-get install -y mosquitto mosquitto-clients");
        }
        Files.createDirectories(stateDir);
        Path pidFile = stateDir.resolve("mosquitto.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("mosquitto")).orElse(false))
                    .ifPresent(h -> {
                        h.destroy();
                        h.onExit().orTimeout(5, TimeUnit.SECONDS).join();
                    });
        }
        int p = port != 0 ? port : free(1883) ? 1883 : freePort();
        Path pw = stateDir.resolve("passwd");
        Files.deleteIfExists(pw);
        Files.createFile(pw, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        for (var u : users.entrySet()) {
            run(List.of(passwd.toString(), "-b", pw.toString(), u.getKey(), u.getValue()));
        }
        String acl;
        try (InputStream in = MosquittoBroker.class.getResourceAsStream("/mosquitto/acl")) {
            acl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(stateDir.resolve("acl"), (anonymousRead ? "# anonymous clients: read telemetry only\ntopic read tileloop/v1/#\n\n" : "") + acl);
        Path data = Files.createDirectories(stateDir.resolve("data"));
        StringBuilder conf = new StringBuilder();
        conf.append("listener ").append(p).append(" 127.0.0.1\n");
        conf.append("allow_anonymous ").append(anonymousRead).append('\n');
        conf.append("password_file ").append(pw.toAbsolutePath()).append('\n');
        conf.append("acl_file ").append(stateDir.resolve("acl").toAbsolutePath()).append('\n');
        conf.append("persistence true\npersistence_location ").append(data.toAbsolutePath()).append("/\n");
        conf.append("set_tcp_nodelay true\nautosave_interval 1\nautosave_on_changes false\nmax_queued_messages 100000\nmax_inflight_messages 1000\n");
        conf.append("max_packet_size ").append(PahoClients.MAX_PACKET_BYTES).append('\n');
        if ("root".equals(System.getProperty("user.name"))) {
            conf.append("user root\n");
        }
        Files.writeString(stateDir.resolve("mosquitto.conf"), conf.toString());
        MosquittoBroker b = new MosquittoBroker(stateDir, p);
        b.launch();
        return b;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(which("mosquitto", "/usr/sbin/mosquitto").toString(), "-c",
                stateDir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("mosquitto.log").toFile()))
                .start();
        Path tmp = stateDir.resolve("mosquitto.pid.tmp");
        Files.writeString(tmp, Long.toString(process.pid()));
        Files.move(tmp, stateDir.resolve("mosquitto.pid"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new RigUnavailableException("mosquitto exited at start (port " + port + " in use?); see "
                        + stateDir.resolve("mosquitto.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        throw new RigUnavailableException("mosquitto did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Restarts mosquitto (same port, same state) whenever it exits while this broker is open,
     * telling {@code notice} each time; at most one restart a second.
     */
    public synchronized void supervise(java.util.function.Consumer<String> notice) {
        if (supervisor != null) {
            return;
        }
        supervisor = new Thread(() -> {
            while (!closed) {
                Process p = process;
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (closed || process != p) {
                        continue;
                    }
                    notice.accept("the local mosquitto (pid " + p.pid() + ") exited with " + p.exitValue() + "; restarting it on port " + port);
                    try {
                        launch();
                    } catch (IOException | RuntimeException e) {
                        notice.accept("restarting mosquitto failed: " + e.getMessage() + "; retrying in 1 s");
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mosquitto-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** The broker's process id, for tests and notices. */
    public long pid() {
        return process.pid();
    }

    /** SIGTERM (mosquitto saves its persistence) and wait. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts it again on the same port with the same state. */
    public synchronized void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (supervisor != null) {
                supervisor.interrupt();
            }
        }
        stop();
        try {
            Files.deleteIfExists(stateDir.resolve("mosquitto.pid"));
        } catch (IOException e) {
            // nothing to clean up then
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd.subList(0, 2)) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static Path which(String name, String fallback) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin"));
        for (String d : dirs) {
            Path p = Path.of(d, name);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return Files.isExecutable(Path.of(fallback)) ? Path.of(fallback) : null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Random passwords for the daemon, operator and monitor users. */
    public static Map<String, String> generatedUsers() {
        Map<String, String> u = new LinkedHashMap<>();
        java.security.SecureRandom r = new java.security.SecureRandom();
        for (String name : List.of("daemon", "operator", "monitor")) {
            byte[] b = new byte[18];
            r.nextBytes(b);
            u.put(name, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        return u;
    }
}
