package io.fulgur.samples;

import io.fulgur.App;
import io.fulgur.CloudCompute;
import io.fulgur.Flow;
import io.fulgur.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The case the seed names for parallel works: data streams in while a model trains. A parallel
 * {@code DataStream} work produces batches into its state; the flow hands each new batch to a
 * sequential {@code Trainer} work, which fits {@code y = w*x + b} by gradient descent.
 *
 * <pre>
 * StreamingTrainingApp [batches] [batchSize]     (defaults: 20 256)
 * </pre>
 */
public final class StreamingTrainingApp {
  private StreamingTrainingApp() {}

  /** A batch of samples of {@code y = 3x + 1 + noise}. */
  public record Batch(int index, List<double[]> samples) {}

  /** Produces batches in the background, as a data feed would. */
  static class DataStream extends Work<Integer> {
    /** State: the batches produced so far (replaced, never mutated, for clean snapshots). */
    public List<Batch> batches = List.of();

    public int batchSize = 256;

    DataStream() {
      super(new CloudCompute("data"), true);
    }

    @Override
    protected void onRun(Integer count) throws InterruptedException {
      Random random = new Random(42);
      for (int i = 0; i < count; i++) {
        List<double[]> samples = new ArrayList<>(batchSize);
        for (int s = 0; s < batchSize; s++) {
          double x = random.nextDouble() * 2 - 1;
          samples.add(new double[] {x, 3 * x + 1 + random.nextGaussian() * 0.1});
        }
        List<Batch> next = new ArrayList<>(batches);
        next.add(new Batch(i, samples));
        batches = List.copyOf(next);
        System.out.println("produced batch " + i);
        Thread.sleep(20); // the data arrives over time
      }
    }
  }

  /** Trains on one batch per call; its model lives in its state. */
  static class Trainer extends Work<Batch> {
    public double w;
    public double b;
    public double loss = Double.NaN;
    public int batchesSeen;

    Trainer() {
      super(new CloudCompute("gpu"));
    }

    @Override
    protected void onRun(Batch batch) {
      double rate = 0.5;
      for (int epoch = 0; epoch < 20; epoch++) {
        double gw = 0;
        double gb = 0;
        double sum = 0;
        for (double[] s : batch.samples()) {
          double err = w * s[0] + b - s[1];
          gw += err * s[0];
          gb += err;
          sum += err * err;
        }
        int n = batch.samples().size();
        w -= rate * gw / n;
        b -= rate * gb / n;
        loss = sum / n;
      }
      batchesSeen++;
      System.out.printf("batch %d: w=%.3f b=%.3f loss=%.4f%n", batch.index(), w, b, loss);
    }
  }

  /** Streams and trains; stops when every batch is trained on. */
  static class StreamingFlow extends Flow {
    final DataStream stream = new DataStream();
    final Trainer trainer = new Trainer();
    final int batches;

    StreamingFlow(int batches, int batchSize) {
      this.batches = batches;
      stream.batchSize = batchSize;
    }

    @Override
    public void run() {
      stream.run(batches); // parallel: the flow moves on while data streams in
      for (Batch batch : stream.batches) {
        trainer.run(batch); // sequential: trained batches pass through, a new one holds the pass
      }
      if (stream.hasSucceeded() && trainer.batchesSeen == batches) {
        stop(String.format("trained on %d batches: w=%.3f b=%.3f", batches, trainer.w, trainer.b));
      }
    }
  }

  /** Runs the sample on the embedded default node. */
  public static void main(String[] args) {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    new App(new StreamingFlow(batches, batchSize)).run();
  }
}
