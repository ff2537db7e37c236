package io.fulgur.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.fulgur.App;
import io.fulgur.Flow;
import io.fulgur.internal.AppDefaults;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fulgur run}: runs an app whose flow node joins the cluster. The class is a {@link Flow}
 * (created with a {@code (String[])} or no-argument constructor) or a class with a {@code main}
 * that calls {@code new App(flow).run()}: that app then runs on the cluster, unchanged.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an app whose flow node joins the cluster and places works on its nodes by role.",
      "CLASS is a Flow with a (String[]) or no-argument constructor, or a class whose",
      "main method calls new App(flow).run(). Exit 0 when the app ends, 1 if it failed."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NetworkOptions network;

  @Parameters(index = "0", paramLabel = "CLASS", description = "The Flow or main class of the app.")
  String appClass;

  @Parameters(
      index = "1..*",
      paramLabel = "ARG",
      description = "Arguments of the app (after -- if they start with '-').")
  List<String> appArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Class<?> cls;
    try {
      cls = Class.forName(appClass, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ParameterException(
          spec.commandLine(), "class " + appClass + " is not on the classpath");
    }
    Config config =
        network.toConfig(
            ConfigFactory.empty()
                .withValue("fulgur.node.host-works", ConfigValueFactory.fromAnyRef(false)));
    String[] args = appArgs.toArray(new String[0]);
    if (Flow.class.isAssignableFrom(cls)) {
      new App(newFlow(cls, args), config).run();
      return 0;
    }
    Method main = mainOf(cls);
    AppDefaults.set(config);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } finally {
      AppDefaults.set(null);
    }
    return 0;
  }

  private Flow newFlow(Class<?> cls, String[] args) throws Exception {
    try {
      Constructor<?> withArgs = cls.getDeclaredConstructor(String[].class);
      withArgs.setAccessible(true);
      return (Flow) withArgs.newInstance((Object) args);
    } catch (NoSuchMethodException e) {
      if (args.length > 0) {
        throw new ParameterException(
            spec.commandLine(),
            "flow " + appClass + " takes no arguments (it has no (String[]) constructor)");
      }
    }
    try {
      Constructor<?> noArgs = cls.getDeclaredConstructor();
      noArgs.setAccessible(true);
      return (Flow) noArgs.newInstance();
    } catch (NoSuchMethodException e) {
      throw new ParameterException(
          spec.commandLine(),
          "flow " + appClass + " needs a (String[]) or no-argument constructor");
    }
  }

  private Method mainOf(Class<?> cls) {
    try {
      Method main = cls.getMethod("main", String[].class);
      if (Modifier.isStatic(main.getModifiers())) {
        return main;
      }
    } catch (NoSuchMethodException e) {
      // reported below
    }
    throw new ParameterException(
        spec.commandLine(),
        "class " + appClass + " is neither a Flow nor has a static main(String[])");
  }
}
