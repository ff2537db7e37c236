/**
 * Fulgur's public API: a {@link io.fulgur.Flow} coordinates {@link io.fulgur.Work}s that run on
 * nodes of a Pekko cluster chosen by {@link io.fulgur.CloudCompute} (a cluster role); an {@link
 * io.fulgur.App} runs the flow. Everything under {@code io.fulgur.internal} is internal.
 */
package io.fulgur;
