package io.sentrascan.functions.contract;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.sentrascan.functions.testing.Dynalite;
import io.sentrascan.functions.testing.LocalS3;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pipeline contract on the servers the build starts itself: S3Mock and dynalite. */
@ExtendWith(Dynalite.class)
class LocalServersPipelineTest extends PipelineContractTest {
  @RegisterExtension static final S3MockExtension S3_MOCK = LocalS3.extension();

  @Override
  protected URI s3Endpoint() {
    return LocalS3.endpoint(S3_MOCK);
  }

  @Override
  protected URI dynamoDbEndpoint() {
    return Dynalite.endpoint();
  }
}
