package io.fulgur.internal.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fulgur.CloudCompute;
import io.fulgur.Work;
import org.junit.jupiter.api.Test;

/** A node creates only concrete Work subclasses on its classpath, with or without a no-arg ctor. */
class WorkInstantiatorTest {

  /** Like the seed's LitWorker: no no-argument constructor. */
  static class NoDefaultConstructor extends Work<String> {
    public long count = 7;

    NoDefaultConstructor(CloudCompute compute) {
      super(compute);
    }

    @Override
    protected void onRun(String input) {}
  }

  static class WithDefaultConstructor extends Work<String> {
    public long count = 7;

    @Override
    protected void onRun(String input) {}
  }

  abstract static class AbstractWork extends Work<String> {}

  @Test
  void aWorkWithoutANoArgConstructorIsCreatedWithoutRunningItsConstructor() throws Exception {
    Work<?> work =
        WorkInstantiator.instantiate(WorkInstantiator.load(NoDefaultConstructor.class.getName()));
    assertThat(work).isInstanceOf(NoDefaultConstructor.class);
    // its field initialisers did not run: state comes from the flow's copy
    assertThat(((NoDefaultConstructor) work).count).isZero();
    assertThat(work.options()).isNotNull();
  }

  @Test
  void aNoArgConstructorIsUsedWhenThereIsOne() throws Exception {
    Work<?> work =
        WorkInstantiator.instantiate(WorkInstantiator.load(WithDefaultConstructor.class.getName()));
    assertThat(((WithDefaultConstructor) work).count).isEqualTo(7);
  }

  @Test
  void onlyConcreteWorkSubclassesOnTheClasspathAreCreated() {
    assertThatThrownBy(() -> WorkInstantiator.load("java.lang.Runtime"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a subclass of io.fulgur.Work");
    assertThatThrownBy(() -> WorkInstantiator.load(AbstractWork.class.getName()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("abstract");
    assertThatThrownBy(() -> WorkInstantiator.load("com.example.NotHere"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
