package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import io.fulgur.Work;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The class of an input given to a work whose input type is a type variable ({@code class Echo<T>
 * extends Work<T>}, used as {@code new Echo<Point>()}): erased at run time, so the flow sends the
 * input's class name with it and the work's node reads the input as that class. A name from the
 * wire chooses a class to build, so it must pass an allow-list, a Jackson {@link
 * PolymorphicTypeValidator}: JDK value and collection types, the packages of the work's class and
 * its superclasses, and {@code fulgur.serialization.allowed-packages}.
 */
public final class InputTypes {

  /** The input's class was refused; the message names the class and the setting. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final List<String> JDK_PACKAGES =
      List.of("java.util", "java.time", "java.math", "java.net", "java.nio.file");

  private InputTypes() {}

  /**
   * The class name to send with {@code input} to a work of this class, or null when the work's
   * input type is concrete or the input arrives as itself anyway (strings, numbers, booleans,
   * lists, maps, JSON trees).
   */
  public static String wireClass(Class<?> workClass, Object input) {
    if (input == null
        || input instanceof String
        || input instanceof Boolean
        || input instanceof Integer
        || input instanceof Long
        || input instanceof Double
        || input instanceof List<?>
        || input instanceof Map<?, ?>
        || input instanceof JsonNode
        || !OPEN.get(workClass)) {
      return null;
    }
    // JDK implementation classes (HashMap$KeySet, UnixPath) cannot be built by name: send the
    // type they are used as
    if (input instanceof java.util.SortedSet<?>) {
      return java.util.TreeSet.class.getName();
    } else if (input instanceof java.util.Set<?>) {
      return java.util.LinkedHashSet.class.getName();
    } else if (input instanceof java.nio.file.Path) {
      return java.nio.file.Path.class.getName();
    } else if (input instanceof Collection<?>) {
      Class<?> c = input.getClass();
      return c.getPackageName().equals("java.util") && c.getName().indexOf('$') < 0
          ? c.getName()
          : null;
    }
    return input.getClass().getName();
  }

  /**
   * Whether the work class leaves {@code Work}'s input type a type variable. A work declared {@code
   * Work<Object>} (or raw) is not open: it takes plain JSON values, as it always did.
   */
  private static final ClassValue<Boolean> OPEN =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> workClass) {
          Map<TypeVariable<?>, Type> bound = new HashMap<>();
          for (Class<?> c = workClass; c != null && c != Work.class; c = c.getSuperclass()) {
            if (c.getGenericSuperclass() instanceof ParameterizedType p) {
              TypeVariable<?>[] vars = c.getSuperclass().getTypeParameters();
              Type[] args = p.getActualTypeArguments();
              for (int i = 0; i < vars.length && i < args.length; i++) {
                Type arg = args[i];
                bound.put(
                    vars[i], arg instanceof TypeVariable<?> v ? bound.getOrDefault(v, v) : arg);
              }
            }
          }
          return bound.get(Work.class.getTypeParameters()[0]) instanceof TypeVariable<?>;
        }
      };

  /**
   * The type to read an input of class {@code className} as, for a work of class {@code workClass}.
   *
   * @throws Refused if the class is not allowed or not on this node's classpath
   */
  public static JavaType resolve(String className, Class<?> workClass, List<String> allowedPackages)
      throws Refused {
    PolymorphicTypeValidator validator = validator(workClass, allowedPackages);
    MapperConfig<?> config = Json.MAPPER.getDeserializationConfig();
    JavaType base = Json.MAPPER.constructType(Object.class);
    try {
      PolymorphicTypeValidator.Validity byName =
          validator.validateSubClassName(config, base, className);
      if (byName != PolymorphicTypeValidator.Validity.DENIED) {
        Class<?> cls = load(className, workClass);
        JavaType type = Json.MAPPER.constructType(cls);
        Class<?> element = cls;
        while (element.isArray()) {
          element = element.getComponentType();
        }
        if (byName == PolymorphicTypeValidator.Validity.ALLOWED
            || validator.validateSubType(config, base, Json.MAPPER.constructType(element))
                == PolymorphicTypeValidator.Validity.ALLOWED) {
          return type;
        }
      }
    } catch (ClassNotFoundException e) {
      throw new Refused(
          "the input's class " + className + " is not on the classpath of this node", e);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // not thrown by the validators Fulgur builds; refused like any unknown class
    }
    throw new Refused(
        "the input's class "
            + className
            + " may not be built from the wire for the generic work class "
            + workClass.getName()
            + ": only JDK value and collection types, classes in the package of the work's class,"
            + " and those listed in fulgur.serialization.allowed-packages (now "
            + allowedPackages
            + ") are; add its package there if it is yours",
        null);
  }

  private static PolymorphicTypeValidator validator(
      Class<?> workClass, List<String> allowedPackages) {
    BasicPolymorphicTypeValidator.Builder builder =
        BasicPolymorphicTypeValidator.builder()
            .allowIfSubType(
                new BasicPolymorphicTypeValidator.TypeMatcher() {
                  @Override
                  public boolean match(MapperConfig<?> config, Class<?> c) {
                    return jdkValue(c);
                  }
                });
    for (Class<?> c = workClass; c != null && c != Work.class; c = c.getSuperclass()) {
      // the work's own package, not its subpackages: a work in package "app" must not open "app.*"
      String pkg = c.getPackageName();
      builder.allowIfSubType(
          new BasicPolymorphicTypeValidator.TypeMatcher() {
            @Override
            public boolean match(MapperConfig<?> config, Class<?> cls) {
              return cls.getPackageName().equals(pkg);
            }
          });
    }
    for (String pkg : allowedPackages) {
      if (!pkg.isBlank()) {
        builder.allowIfSubType(pkg.endsWith(".") ? pkg : pkg + ".");
      }
    }
    return builder.build();
  }

  /** JDK values and collections: nothing whose construction could act on the node. */
  private static boolean jdkValue(Class<?> c) {
    if (c.isPrimitive() || c.isEnum() && c.getPackageName().startsWith("java.")) {
      return true;
    }
    if (c == String.class
        || c == Boolean.class
        || c == Character.class
        || Number.class.isAssignableFrom(c) && c.getPackageName().equals("java.lang")
        || c == BigInteger.class
        || c == BigDecimal.class) {
      return true;
    }
    String pkg = c.getPackageName();
    if (!JDK_PACKAGES.contains(pkg)) {
      return false;
    }
    return Collection.class.isAssignableFrom(c)
        || Map.class.isAssignableFrom(c)
        || pkg.equals("java.time")
        || c == java.util.UUID.class
        || c == java.util.Optional.class
        || c == java.util.Locale.class
        || c == java.util.Currency.class
        || c == java.net.URI.class
        || c == java.nio.file.Path.class;
  }

  private static Class<?> load(String className, Class<?> workClass) throws ClassNotFoundException {
    ClassLoader loader = workClass.getClassLoader();
    return Class.forName(className, false, loader != null ? loader : Work.class.getClassLoader());
  }
}
