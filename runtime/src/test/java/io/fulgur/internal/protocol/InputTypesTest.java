package io.fulgur.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulgur.Work;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputTypesTest {
  record Point(int x, int y) {}

  static class Echo<T> extends Work<T> {
    @Override
    protected void onRun(T input) {}
  }

  static class PointEcho extends Echo<Point> {}

  static class TakesObject extends Work<Object> {
    @Override
    protected void onRun(Object input) {}
  }

  @Test
  void onlyAWorkWhoseInputTypeIsATypeVariableSendsTheInputsClass() {
    assertThat(InputTypes.wireClass(Echo.class, new Point(1, 2))).isEqualTo(Point.class.getName());
    assertThat(InputTypes.wireClass(PointEcho.class, new Point(1, 2))).isNull();
    assertThat(InputTypes.wireClass(TakesObject.class, new Point(1, 2)))
        .as("Work<Object> takes plain JSON values")
        .isNull();
    assertThat(InputTypes.wireClass(Echo.class, "text")).isNull();
    assertThat(InputTypes.wireClass(Echo.class, List.of(new Point(1, 2)))).isNull();
    assertThat(InputTypes.wireClass(Echo.class, Map.of("a", 1))).isNull();
  }

  @Test
  void jdkValuesAndTheWorksOwnPackageAreAllowed() throws Exception {
    for (Class<?> allowed :
        List.of(
            java.util.UUID.class,
            java.time.Instant.class,
            java.math.BigDecimal.class,
            java.util.TreeSet.class,
            Point.class)) {
      assertThat(InputTypes.resolve(allowed.getName(), Echo.class, List.of()).getRawClass())
          .isEqualTo(allowed);
    }
    assertThat(
            InputTypes.resolve("org.example.foreign.Parcel", Echo.class, List.of("org.example"))
                .getRawClass()
                .getName())
        .isEqualTo("org.example.foreign.Parcel");
  }

  @Test
  void anythingElseIsRefusedNamingTheClassAndTheSetting() {
    for (String refused :
        List.of(
            "java.lang.ProcessBuilder",
            "java.lang.Thread",
            "javax.naming.InitialContext",
            "org.example.foreign.Parcel")) {
      assertThatThrownBy(() -> InputTypes.resolve(refused, Echo.class, List.of()))
          .isInstanceOf(InputTypes.Refused.class)
          .hasMessageContainingAll(refused, "fulgur.serialization.allowed-packages");
    }
    assertThatThrownBy(
            () -> InputTypes.resolve("com.acme.Missing", Echo.class, List.of("com.acme")))
        .isInstanceOf(InputTypes.Refused.class)
        .hasMessageContaining("not on the classpath");
  }
}
