package io.sentrascan.functions.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs dynalite (a DynamoDB-compatible server on Node.js) for the tests: one process per test JVM,
 * on a free loopback port, stopped when the test run ends. It is installed by {@code .ci/run} with
 * {@code npm install --prefix .ci/node dynalite@4.0.0}; when node or dynalite is missing the tests
 * fail and say how to install it, rather than being skipped.
 */
public final class Dynalite implements BeforeAllCallback {
  /** Where {@code .ci/run} installs it, relative to the repository root. */
  static final String CLI = ".ci/node/node_modules/dynalite/cli.js";

  private static final String INSTALL =
      "run .ci/run, or install it with: npm install --prefix .ci/node dynalite@4.0.0";

  private static volatile Server server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    synchronized (Dynalite.class) {
      if (server == null) {
        Server started =
            Server.start(
                Paths.get(System.getProperty("sentrascan.repoRoot", "..")).toAbsolutePath(),
                "node");
        // Closed when the root context closes: the end of the test run, not of this class.
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Dynalite.class, started);
        server = started;
      }
    }
  }

  /** The endpoint of the running server. */
  public static URI endpoint() {
    if (server == null) {
      throw new IllegalStateException("register the Dynalite extension on the test class");
    }
    return server.endpoint;
  }

  /** Starts a server outside the extension, for tests of the start-up itself. */
  /**
   * Waits until a just-created table is ACTIVE: dynalite activates it on a timer even with {@code
   * --createTableMs 0}, so a test whose first call is a read could otherwise get
   * ResourceNotFoundException. Polls every 20 ms (the SDK's waiter sleeps 20 s between polls).
   */
  public static void awaitActive(
      software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb, String table) {
    for (int i = 0; i < 500; i++) {
      if (dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus()
          == software.amazon.awssdk.services.dynamodb.model.TableStatus.ACTIVE) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + table, e);
      }
    }
    throw new IllegalStateException("table " + table + " did not become ACTIVE in 10 s");
  }

  static AutoCloseable startForTest(Path root, String node)
      throws IOException, InterruptedException {
    return Server.start(root, node);
  }

  private static final class Server implements AutoCloseable {
    private final Process process;
    private final URI endpoint;

    private Server(Process process, URI endpoint) {
      this.process = process;
      this.endpoint = endpoint;
    }

    static Server start(Path root, String node) throws IOException, InterruptedException {
      Path cli = root.resolve(CLI).normalize();
      if (!Files.isRegularFile(cli)) {
        throw new IllegalStateException("dynalite is not installed at " + cli + ": " + INSTALL);
      }
      int port = freePort();
      ProcessBuilder pb =
          new ProcessBuilder(
                  node,
                  cli.toString(),
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--createTableMs",
                  "0",
                  "--deleteTableMs",
                  "0",
                  "--updateTableMs",
                  "0")
              .redirectErrorStream(true)
              .redirectOutput(
                  Paths.get(System.getProperty("sentrascan.repoRoot", ".."))
                      .resolve("functions/target/dynalite.log")
                      .toFile());
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot run node (Node.js is needed for dynalite): " + INSTALL, e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!listening(port)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "dynalite exited with code "
                  + process.exitValue()
                  + " (see functions/target/dynalite.log): "
                  + INSTALL);
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("dynalite did not listen on port " + port + " in 20 s");
        }
        Thread.sleep(25);
      }
      return new Server(process, URI.create("http://127.0.0.1:" + port));
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
