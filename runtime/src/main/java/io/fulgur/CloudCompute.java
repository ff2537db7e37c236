package io.fulgur;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The kind of machine a {@link Work} runs on. Its {@link #name()} is a Pekko Cluster role: a work
 * with {@code new CloudCompute("cpu")} is placed on a node whose roles include {@code cpu}.
 *
 * <p>The embedded default node ({@code new App(flow).run()} with no configuration) serves every
 * compute name.
 *
 * @param name the cluster role; letters, digits, {@code -}, {@code _} and {@code .}
 */
public record CloudCompute(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** The compute a work gets when it names none: role {@code default}. */
  public static final CloudCompute DEFAULT = new CloudCompute("default");

  /**
   * Creates a compute for the given role.
   *
   * @throws IllegalArgumentException if the name is null, blank or not a valid role name
   */
  public CloudCompute {
    Objects.requireNonNull(name, "CloudCompute name must not be null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "CloudCompute name '"
              + name
              + "' is not a valid cluster role: use letters, digits, '-', '_' and '.'");
    }
  }
}
