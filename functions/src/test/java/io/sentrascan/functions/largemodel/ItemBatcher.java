package io.sentrascan.functions.largemodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.ChunkBatch;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.PlanChunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cuts plan lines into the chunk function's inputs as the distributed Map's item batcher does with
 * the committed state machine's limits: at most 16 items and 128 KiB of items per batch.
 */
final class ItemBatcher {
  static final int MAX_ITEMS_PER_BATCH = 16;
  static final int MAX_INPUT_BYTES_PER_BATCH = 131_072;

  private ItemBatcher() {}

  static List<String> batches(String scanId, String planBucket, List<PlanChunk> chunks) {
    List<String> out = new ArrayList<>();
    List<PlanChunk> batch = new ArrayList<>();
    int bytes = 0;
    for (PlanChunk c : chunks) {
      int size = ChunkPlanner.jsonBytes(c);
      if (!batch.isEmpty()
          && (batch.size() >= MAX_ITEMS_PER_BATCH || bytes + size > MAX_INPUT_BYTES_PER_BATCH)) {
        out.add(json(scanId, planBucket, batch));
        batch = new ArrayList<>();
        bytes = 0;
      }
      batch.add(c);
      bytes += size;
    }
    if (!batch.isEmpty()) {
      out.add(json(scanId, planBucket, batch));
    }
    return out;
  }

  /**
   * The execution state the Aggregate task gets: the request, {@code plan}, maybe {@code failure}.
   */
  static String aggregateInput(String request, @Nullable JsonNode plan, @Nullable JsonNode failure)
      throws IOException {
    ObjectNode state = (ObjectNode) EventJson.tree(request);
    if (plan != null) {
      state.set("plan", plan);
    }
    if (failure != null) {
      state.set("failure", failure);
    }
    return state.toString();
  }

  static String json(String scanId, String planBucket, List<PlanChunk> items) {
    return EventJson.write(new ChunkBatch(new ChunkBatch.BatchInput(scanId, planBucket), items));
  }
}
