package io.fulgur.internal.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Interrupts and forced stops reach a call's thread only while the call is on it. */
class CallThreadTest {

  /** A thread that runs one call, then goes on with other work, like a runner or node thread. */
  private static final class Carrier extends Thread {
    final CallThread call = new CallThread();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch goOn = new CountDownLatch(1);
    final CompletableFuture<String> callEnd = new CompletableFuture<>();
    final CompletableFuture<Boolean> afterwardsInterrupted = new CompletableFuture<>();
    final CompletableFuture<Boolean> afterwardsFinished = new CompletableFuture<>();
    private final boolean busyCall;
    volatile boolean stopSpinning;

    Carrier(boolean busyCall) {
      this.busyCall = busyCall;
      setDaemon(true);
    }

    @Override
    public void run() {
      boolean deathSeen = false;
      try {
        call.enter();
        entered.countDown();
        // a call that neither prints nor looks at interrupts
        long spins = 0;
        while (busyCall && !stopSpinning) {
          spins++;
        }
        callEnd.complete("returned after " + spins);
      } catch (Throwable t) {
        deathSeen = CallThread.isThreadDeath(t);
        callEnd.complete(t.getClass().getName());
      }
      call.leave(deathSeen);
      try {
        // the thread's next work: must see no interrupt and no ThreadDeath meant for the call
        goOn.await();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        afterwardsInterrupted.complete(Thread.currentThread().isInterrupted());
        afterwardsFinished.complete(true);
      } catch (Throwable t) {
        afterwardsFinished.complete(false);
      }
    }
  }

  @Test
  void aForcedStopEndsABusyCallAndTheThreadGoesOn() throws Exception {
    Carrier carrier = new Carrier(true);
    carrier.start();
    assertThat(carrier.entered.await(10, TimeUnit.SECONDS)).isTrue();
    carrier.call.forceStop("busy", Duration.ofSeconds(5));
    assertThat(carrier.callEnd.get(10, TimeUnit.SECONDS)).isEqualTo("java.lang.ThreadDeath");
    assertThat(carrier.call.awaitLeft(Duration.ofSeconds(10))).isTrue();
    carrier.goOn.countDown();
    assertThat(carrier.afterwardsFinished.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(carrier.afterwardsInterrupted.get()).isFalse();
  }

  @Test
  void nothingMeantForAnEndedCallReachesItsThread() throws Exception {
    Carrier carrier = new Carrier(false);
    carrier.start();
    assertThat(carrier.callEnd.get(10, TimeUnit.SECONDS)).startsWith("returned");
    assertThat(carrier.call.awaitLeft(Duration.ofSeconds(10))).isTrue();
    // the thread is on its next work now: a late interrupt and a late forced stop are no-ops
    carrier.call.interrupt();
    carrier.call.forceStop("ended", Duration.ofSeconds(5));
    carrier.goOn.countDown();
    assertThat(carrier.afterwardsFinished.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(carrier.afterwardsInterrupted.get()).isFalse();
  }

  @Test
  void anInterruptReachesTheCallWhileItRuns() throws Exception {
    CallThread call = new CallThread();
    CountDownLatch entered = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              call.enter();
              entered.countDown();
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(10));
                interrupted.complete(false);
              } catch (InterruptedException e) {
                interrupted.complete(true);
              }
              call.leave(false);
            });
    thread.setDaemon(true);
    thread.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    call.interrupt();
    assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(call.awaitLeft(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void awaitLeftTimesOutWhileTheCallRuns() throws Exception {
    CallThread call = new CallThread();
    call.enter();
    assertThat(call.awaitLeft(Duration.ofMillis(50))).isFalse();
    call.leave(false);
    assertThat(call.awaitLeft(Duration.ofMillis(50))).isTrue();
  }
}
