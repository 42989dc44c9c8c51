// Starts AWS's DynamoDB Local bound to 127.0.0.1 only. DynamoDB Local has no
// bind-address option and listens on every interface; this launcher builds
// its server exactly as its own main() does, then sets the host of its Jetty
// connectors to the loopback address before starting it.
// It also exits when its standard input closes: the Node parent holds the
// other end of that pipe, so if the parent dies (even by SIGKILL) DynamoDB
// Local does not linger as an orphan.
// Run with Java's source launcher:
//   java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* DynamoDbLocalLoopback.java <DynamoDB Local args>
import java.lang.reflect.Field;
import java.lang.reflect.Method;

public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("alleycat.host", "127.0.0.1");
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Input is ignored; only the end of the stream matters.
        }
      } catch (java.io.IOException e) {
        // A broken pipe means the parent is gone too.
      }
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field serverField = proxy.getClass().getDeclaredField("server");
    serverField.setAccessible(true);
    Object jetty = serverField.get(proxy);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    for (Object connector : connectors) {
      Method setHost = connector.getClass().getMethod("setHost", String.class);
      setHost.invoke(connector, host);
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on " + host);
    proxy.getClass().getMethod("join").invoke(proxy);
  }
}
