package io.fulgur.cluster;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM and SIGINT as a request to stop: the JVM's own handling exits with 143 or 130 once its
 * shutdown hooks ran, which a supervisor takes for a failure even when the node left the cluster
 * cleanly. With these handlers the signal runs {@code onStop} instead (the node leaves), and the
 * launcher exits 0 afterwards. Through reflection: {@code sun.misc.Signal} is the JDK's only way to
 * do it, and the compiler warns about it with no way to say it is meant.
 */
final class StopSignals {
  private StopSignals() {}

  /** Runs {@code onStop} on SIGTERM and SIGINT; false (the JVM's handling stays) if it cannot. */
  static boolean install(Runnable onStop) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler onSignal =
          (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
              return objectMethod(proxy, method, args);
            }
            onStop.run();
            return null;
          };
      Object h =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(), new Class<?>[] {handler}, onSignal);
      Method handle = signal.getMethod("handle", signal, handler);
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "StopSignals";
    }
  }
}
