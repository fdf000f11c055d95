package io.sentrascan.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScanRequestsTest {

  @Test
  void anS3NotificationNamesTheExactVersionWithTheDecodedKey() {
    List<ScanRequest> requests =
        ScanRequests.parse(EventJson.sample("s3-notification-object-created.json"));

    assertThat(requests)
        .containsExactly(
            new ScanRequest.Scan(
                new ObjectRef(
                    "sentrascan-models",
                    "team a/bert+finetuned/modelé.bin",
                    "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                    1024L,
                    "d41d8cd98f00b204e9800998ecf8427e",
                    "0055AED6DCD90281E5")));
  }

  @Test
  void anEventBridgeObjectCreatedEventNamesTheExactVersionWithTheDecodedKey() {
    List<ScanRequest> requests =
        ScanRequests.parse(EventJson.sample("eventbridge-object-created.json"));

    assertThat(requests)
        .containsExactly(
            new ScanRequest.Scan(
                new ObjectRef(
                    "sentrascan-models",
                    "team a/resnet+50.pt",
                    "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                    2048L,
                    "b1946ac92492d2347c6235b4d2611184",
                    "617f08299329d189")));
  }

  @ParameterizedTest
  @CsvSource({
    "s3-notification-object-removed.json, ObjectRemoved:Delete",
    "eventbridge-object-deleted.json, Object Deleted"
  })
  void aDeletionNamesAnObjectButCannotBeScanned(String sample, String eventName) {
    List<ScanRequest> requests = ScanRequests.parse(EventJson.sample(sample));

    assertThat(requests).singleElement().isInstanceOf(ScanRequest.Unscannable.class);
    ScanRequest.Unscannable u = (ScanRequest.Unscannable) requests.get(0);
    assertThat(u.object().bucket()).isEqualTo("sentrascan-models");
    assertThat(u.reason()).contains(eventName).contains("not an object creation");
  }

  @Test
  void theTestEventThatS3SendsWhenNotificationsAreConfiguredIsIgnoredWithAReason() {
    assertThat(ScanRequests.parse(EventJson.sample("s3-test-event.json")))
        .singleElement()
        .isInstanceOfSatisfying(
            ScanRequest.Ignored.class,
            i -> assertThat(i.reason()).contains("s3:TestEvent").contains("sentrascan-models"));
  }

  @Test
  void aKeyThatIsNotValidUrlEncodingIsRecordedAgainstTheRawKey() throws Exception {
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    ((ObjectNode) event.at("/Records/0/s3/object")).put("key", "models/100%zz.bin");

    List<ScanRequest> requests = ScanRequests.parse(event.toString());

    assertThat(requests)
        .singleElement()
        .isInstanceOfSatisfying(
            ScanRequest.Unscannable.class,
            u -> {
              assertThat(u.object().key()).isEqualTo("models/100%zz.bin");
              assertThat(u.reason()).contains("not valid URL encoding");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all | not JSON",
        "[1, 2] | not a JSON object",
        "{\"hello\": \"world\"} | top-level fields: [hello]",
        "{\"Records\": []} | no Records",
        "{\"Records\": [{\"eventSource\": \"aws:sqs\"}]} | eventSource aws:sqs, not aws:s3",
        "{\"Records\": [{\"eventSource\": \"aws:s3\", \"s3\": {\"bucket\": {\"name\": \"b\"}}}]}"
            + " | names no bucket and object key",
        "{\"Records\": \"oops\"} | wrong type",
        "{\"detail-type\": \"Object Created\", \"source\": \"aws.ec2\"} | not aws.s3",
      })
  void anEventThatNamesNoObjectIsMalformedWithAClearReason(String json, String reason) {
    assertThat(ScanRequests.parse(json))
        .singleElement()
        .isInstanceOfSatisfying(
            ScanRequest.Malformed.class, m -> assertThat(m.reason()).contains(reason));
  }

  @Test
  void eachRecordOfANotificationIsItsOwnRequest() throws Exception {
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    var records = event.withArray("/Records");
    records.add(records.get(0).deepCopy());
    ((ObjectNode) records.get(1).at("/s3/object")).put("key", "second.bin");
    records.addObject().put("eventSource", "aws:sqs");

    List<ScanRequest> requests = ScanRequests.parse(event.toString());

    assertThat(requests).hasSize(3);
    assertThat(requests.get(0).objectOrNull().key()).isEqualTo("team a/bert+finetuned/modelé.bin");
    assertThat(requests.get(1).objectOrNull().key()).isEqualTo("second.bin");
    assertThat(requests.get(2)).isInstanceOf(ScanRequest.Malformed.class);
    assertThat(((ScanRequest.Malformed) requests.get(2)).reason()).startsWith("Records[2]");
  }
}
