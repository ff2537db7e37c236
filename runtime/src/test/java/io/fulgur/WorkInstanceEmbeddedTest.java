package io.fulgur;

import com.typesafe.config.ConfigFactory;

/** {@link WorkInstanceContract} on the embedded node: the instance is copied there too. */
class WorkInstanceEmbeddedTest extends WorkInstanceContract {
  @Override
  App app(Flow flow) {
    return new App(flow, ConfigFactory.parseString("fulgur.node.serve-all-roles = on\n" + ALLOWED));
  }
}
