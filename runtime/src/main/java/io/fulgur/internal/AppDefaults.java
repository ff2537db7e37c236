package io.fulgur.internal;

import com.typesafe.config.Config;

/**
 * The config {@code new App(flow)} uses in this JVM. Normally the embedded default; the launcher
 * ({@code fulgur run}) sets the cluster config here before it calls an app's own {@code main}, so
 * that an app written for the embedded default runs on the cluster unchanged.
 */
public final class AppDefaults {
  private static volatile Config override;

  private AppDefaults() {}

  /** Makes {@code new App(flow)} use {@code config} in this JVM (null: the embedded default). */
  public static void set(Config config) {
    override = config;
  }

  /** The override, or null for the embedded default. */
  public static Config get() {
    return override;
  }
}
