package ripple.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.dev.EmbeddedKafka;

/** {@link TopicAdmin#awaitLeaders} on a real broker, for a topic the broker does not know yet when it starts waiting. */
@Tag("integration")
class TopicAdminIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void awaitingLeadersOutlastsATopicTheBrokerDoesNotKnowYet() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(0).build().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // what made the wait fail at once before it asked again: the admin client's own retries give up on an
            // unknown topic
            TopicPartition partition = new TopicPartition("late", 0);
            assertThatThrownBy(() -> admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);

            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    TopicAdmin.awaitLeaders(admin, List.of("late"), 2);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(waiting).as("still waiting for a topic that does not exist").isNotDone();
            admin.createTopics(List.of(new NewTopic("late", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);

            waiting.get(30, TimeUnit.SECONDS);
            assertThat(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS))
                    .containsKey(partition);
        }
    }
}
