package io.fulgur.internal.protocol;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import io.fulgur.WorkOptions;
import java.io.IOException;
import java.util.IdentityHashMap;

/**
 * The Jackson mapper that copies a work's instance to its node: it reads and writes objects through
 * their fields, whatever their visibility, and never calls a getter or setter, so that the object
 * that arrives is the object that was built. Java serialization is never used. It refuses what
 * cannot mean the same on another node (a work, a flow, an actor ref, a thread, a lambda) and an
 * object that contains itself, with a message naming what it met.
 */
final class InstanceMapper {

  /** Thrown (inside Jackson, which adds the field path) for a value that must not travel. */
  static final class Refused extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    Refused(JsonGenerator gen, String message) {
      super(gen, message);
    }
  }

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
          .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .visibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
          .disable(MapperFeature.AUTO_DETECT_GETTERS)
          .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
          .disable(MapperFeature.AUTO_DETECT_SETTERS)
          .disable(MapperFeature.USE_GETTERS_AS_SETTERS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          // the cycle guard names every cycle, a direct one too
          .disable(SerializationFeature.FAIL_ON_SELF_REFERENCES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .addModule(new ParameterNamesModule())
          .addModule(new SimpleModule("fulgur-instance").setSerializerModifier(new Guards()))
          .addMixIn(WorkOptions.class, WorkOptionsCreator.class)
          .build();

  /** Builds {@link WorkOptions} (which a work may keep in a field) through its one constructor. */
  abstract static class WorkOptionsCreator {
    @JsonCreator
    WorkOptionsCreator(
        @JsonProperty("compute") CloudCompute compute,
        @JsonProperty("parallel") boolean parallel,
        @JsonProperty("cacheCalls") boolean cacheCalls,
        @JsonProperty("raiseException") boolean raiseException,
        @JsonProperty("maxRetries") int maxRetries) {}
  }

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(64 * 1024 * 1024)
                .maxNumberLength(1000)
                .build());
  }

  private InstanceMapper() {}

  /** Why a value of this class cannot travel, or null if it may. */
  static String refusal(Class<?> c) {
    if (Work.class.isAssignableFrom(c)) {
      return "a work (" + c.getName() + "): a work is placed on its own; reach it from the flow";
    } else if (Flow.class.isAssignableFrom(c)) {
      return "a flow (" + c.getName() + "): flows stay on the flow's node";
    } else if (org.apache.pekko.actor.typed.ActorRef.class.isAssignableFrom(c)
        || org.apache.pekko.actor.ActorRef.class.isAssignableFrom(c)) {
      return "an actor ref (" + c.getName() + ")";
    } else if (Thread.class.isAssignableFrom(c)) {
      return "a thread (" + c.getName() + ")";
    } else if (c.isSynthetic() || c.isHidden()) {
      return "a lambda or other generated class (" + c.getName() + ")";
    } else if (ClassLoader.class.isAssignableFrom(c)) {
      return "a class loader (" + c.getName() + ")";
    }
    return null;
  }

  /** Puts a refusal or a cycle guard on every bean serializer. */
  private static final class Guards extends BeanSerializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    @SuppressWarnings("unchecked")
    public JsonSerializer<?> modifySerializer(
        SerializationConfig config, BeanDescription desc, JsonSerializer<?> serializer) {
      String refusal = refusal(desc.getBeanClass());
      if (refusal != null) {
        return new Refusing(refusal);
      }
      // only objects written field by field can contain themselves (collections are rare there)
      return serializer instanceof BeanSerializerBase
          ? new CycleGuard((JsonSerializer<Object>) serializer)
          : serializer;
    }
  }

  private static final class Refusing extends JsonSerializer<Object> {
    private final String refusal;

    Refusing(String refusal) {
      this.refusal = refusal;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      throw new Refused(gen, "holds " + refusal);
    }

    @Override
    public void serializeWithType(
        Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
        throws IOException {
      serialize(value, gen, provider);
    }
  }

  /** The objects being written on this thread, outermost first: one met again is a cycle. */
  private static final ThreadLocal<IdentityHashMap<Object, Boolean>> ON_PATH =
      ThreadLocal.withInitial(IdentityHashMap::new);

  /** A bean serializer that refuses an object met again inside itself. */
  private static final class CycleGuard extends JsonSerializer<Object>
      implements ContextualSerializer, ResolvableSerializer {
    private final JsonSerializer<Object> delegate;

    CycleGuard(JsonSerializer<Object> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      IdentityHashMap<Object, Boolean> path = enter(value, gen);
      try {
        delegate.serialize(value, gen, provider);
      } finally {
        path.remove(value);
      }
    }

    @Override
    public void serializeWithType(
        Object value, JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer)
        throws IOException {
      IdentityHashMap<Object, Boolean> path = enter(value, gen);
      try {
        delegate.serializeWithType(value, gen, provider, typeSer);
      } finally {
        path.remove(value);
      }
    }

    private static IdentityHashMap<Object, Boolean> enter(Object value, JsonGenerator gen)
        throws Refused {
      IdentityHashMap<Object, Boolean> path = ON_PATH.get();
      if (path.put(value, Boolean.TRUE) != null) {
        throw new Refused(
            gen,
            "holds a cycle: an object of class " + value.getClass().getName() + " contains itself");
      }
      return path;
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
      if (delegate instanceof ResolvableSerializer r) {
        r.resolve(provider);
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
        throws JsonMappingException {
      if (delegate instanceof ContextualSerializer c) {
        JsonSerializer<?> contextual = c.createContextual(provider, property);
        return contextual == delegate ? this : new CycleGuard((JsonSerializer<Object>) contextual);
      }
      return this;
    }

    @Override
    public JsonSerializer<Object> unwrappingSerializer(NameTransformer unwrapper) {
      return delegate.unwrappingSerializer(unwrapper);
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Object value) {
      return delegate.isEmpty(provider, value);
    }

    @Override
    public boolean usesObjectId() {
      return delegate.usesObjectId();
    }

    @Override
    public Class<Object> handledType() {
      return delegate.handledType();
    }
  }
}
