package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the distributed Map's item batcher hands the chunk function: {@code
 * {"BatchInput":{"scanId","planBucket"},"Items":[chunk,…]}}.
 *
 * @param batchInput what every chunk of the batch shares
 * @param items the plan lines of this batch
 */
public record ChunkBatch(
    @JsonProperty("BatchInput") BatchInput batchInput,
    @JsonProperty("Items") List<PlanChunk> items) {

  public ChunkBatch {
    items = items == null ? List.of() : List.copyOf(items);
  }

  /**
   * The batch's shared input.
   *
   * @param scanId the scan
   * @param planBucket where the plan and the partial results live
   */
  public record BatchInput(String scanId, String planBucket) {}
}
