package io.fulgur.internal.work;

import io.fulgur.Work;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/**
 * Creates a work's own instance on its node: with the class's no-argument constructor if it
 * declares one, else without running any constructor of the subclass (as Java serialization does),
 * since a {@code Work} subclass needs no no-argument constructor.
 */
public final class WorkInstantiator {
  private WorkInstantiator() {}

  /**
   * Loads a work class by name, refusing anything that is not a concrete {@link Work} subclass.
   *
   * @throws ClassNotFoundException if it is not on this node's classpath
   * @throws IllegalArgumentException if it is not a concrete Work subclass
   */
  public static Class<? extends Work<?>> load(String className) throws ClassNotFoundException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = Work.class.getClassLoader();
    }
    Class<?> cls;
    try {
      cls = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      cls = Class.forName(className, false, Work.class.getClassLoader());
    }
    if (!Work.class.isAssignableFrom(cls)) {
      throw new IllegalArgumentException(className + " is not a subclass of io.fulgur.Work");
    }
    if (Modifier.isAbstract(cls.getModifiers())) {
      throw new IllegalArgumentException(className + " is abstract");
    }
    @SuppressWarnings("unchecked")
    Class<? extends Work<?>> workClass = (Class<? extends Work<?>>) cls;
    return workClass;
  }

  /** A new instance of the work class. */
  public static Work<?> instantiate(Class<? extends Work<?>> cls)
      throws ReflectiveOperationException {
    Object constructor = CONSTRUCTORS.get(cls);
    if (constructor instanceof ReflectiveOperationException e) {
      throw e;
    } else if (constructor instanceof RuntimeException e) {
      throw e;
    }
    return (Work<?>) ((Constructor<?>) constructor).newInstance();
  }

  /**
   * The constructor each class is instantiated with: made once per class, since making one
   * generates a class, which would dominate the cost of a placement.
   */
  private static final ClassValue<Object> CONSTRUCTORS =
      new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> cls) {
          try {
            Constructor<?> noArgs = cls.getDeclaredConstructor();
            noArgs.setAccessible(true);
            return noArgs;
          } catch (NoSuchMethodException e) {
            try {
              return serializationConstructor(cls);
            } catch (ReflectiveOperationException | RuntimeException failure) {
              return failure;
            }
          }
        }
      };

  private static Constructor<?> serializationConstructor(Class<?> cls)
      throws ReflectiveOperationException {
    Class<?> factoryClass = Class.forName("sun.reflect.ReflectionFactory");
    Object factory = factoryClass.getMethod("getReflectionFactory").invoke(null);
    Constructor<?> workConstructor = Work.class.getDeclaredConstructor();
    return (Constructor<?>)
        factoryClass
            .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
            .invoke(factory, cls, workConstructor);
  }
}
