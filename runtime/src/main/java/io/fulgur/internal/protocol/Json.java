package io.fulgur.internal.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.fulgur.Work;
import io.fulgur.internal.FailureDescription;

/**
 * JSON for user data (inputs and state): one mapper whose output is canonical (map entries and
 * properties sorted), so that equal inputs give equal call keys.
 */
public final class Json {
  /** The mapper for user inputs and state. Thread-safe. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .addModule(new ParameterNamesModule())
          .build();

  private Json() {}

  /** A user value turned into JSON that does not fit. */
  public static final class NotSerializableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSerializableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The canonical JSON tree of a value.
   *
   * @throws NotSerializableException if Jackson cannot serialise it
   */
  public static JsonNode tree(Object value) {
    JsonNode simple = simpleTree(value);
    if (simple != null) {
      return simple;
    }
    try {
      return MAPPER.valueToTree(value);
    } catch (IllegalArgumentException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new NotSerializableException(FailureDescription.message(cause), cause);
    }
  }

  /**
   * The tree of null, a string, an integer, a long or a boolean without Jackson's serializer
   * machinery (the same tree as {@code valueToTree}), or null for any other value: most inputs and
   * configuration values are these.
   */
  static JsonNode simpleTree(Object value) {
    if (value == null) {
      return NullNode.getInstance();
    } else if (value instanceof Integer i) {
      return IntNode.valueOf(i);
    } else if (value instanceof Long l) {
      return LongNode.valueOf(l);
    } else if (value instanceof String s) {
      return TextNode.valueOf(s);
    } else if (value instanceof Boolean b) {
      return BooleanNode.valueOf(b);
    }
    return null;
  }

  /** The canonical text of a tree (the call key of an input). */
  public static String text(JsonNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /**
   * The input type {@code I} of a {@code Work<I>} subclass, or {@code Object} when the class leaves
   * it open (then inputs arrive as plain JSON values: maps, lists, strings, numbers).
   */
  public static JavaType inputType(Class<?> workClass) {
    return INPUT_TYPES.get(workClass);
  }

  /** Resolved once per work class, not for every placed work. */
  private static final ClassValue<JavaType> INPUT_TYPES =
      new ClassValue<>() {
        @Override
        protected JavaType computeValue(Class<?> workClass) {
          JavaType[] params =
              MAPPER
                  .getTypeFactory()
                  .findTypeParameters(MAPPER.constructType(workClass), Work.class);
          return params.length == 1 ? params[0] : MAPPER.constructType(Object.class);
        }
      };

  private static final int SMALL_KEYS = 1024;

  /** The keys of the integers most inputs are: made once, not at every replay of a call. */
  private static final String[] SMALL_INT_KEYS = new String[2 * SMALL_KEYS];

  static {
    for (int i = 0; i < SMALL_INT_KEYS.length; i++) {
      SMALL_INT_KEYS[i] = Integer.toString(i - SMALL_KEYS);
    }
  }

  /**
   * The canonical JSON text of a string, integer, boolean or null input without building a tree, or
   * {@code null} for any other value: a pass that replays many calls keys them cheaply.
   */
  public static String simpleKey(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof String s) {
      return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    } else if (value instanceof Integer i && i >= -SMALL_KEYS && i < SMALL_KEYS) {
      return SMALL_INT_KEYS[i + SMALL_KEYS];
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Boolean) {
      return value.toString();
    }
    return null;
  }

  /** Reads a tree as the given type. */
  public static Object read(JsonNode tree, JavaType type) throws JsonProcessingException {
    return MAPPER.treeToValue(tree, type);
  }
}
