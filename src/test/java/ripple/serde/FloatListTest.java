package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import ripple.avro.WeightUpdate;

class FloatListTest {

    @Test
    void holdsTheValuesAsTheyWereWhenCopied() {
        float[] values = {0.1f, -2.5f, 0f, Float.MIN_VALUE};
        FloatList list = FloatList.copyOf(values);
        values[0] = 99f;

        assertThat(list).containsExactly(0.1f, -2.5f, 0f, Float.MIN_VALUE);
        assertThat(list).isEqualTo(List.of(0.1f, -2.5f, 0f, Float.MIN_VALUE));
        assertThatThrownBy(() -> list.set(0, 1f)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void avroWritesItAsTheBoxedListItStandsFor() {
        WeightUpdate sample = SampleRecords.weightUpdate();
        float[] weights = new float[sample.getWeights().size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = sample.getWeights().get(i);
        }
        WeightUpdate viaView = WeightUpdate.newBuilder(sample).setWeights(FloatList.copyOf(weights)).build();
        AvroSerde<WeightUpdate> serde = AvroSerde.of(new InMemorySchemaRegistry(), WeightUpdate.class);

        byte[] bytes = serde.serialize("weights", viaView);

        assertThat(bytes).isEqualTo(serde.serialize("weights", sample));
        assertThat(serde.deserialize("weights", bytes)).isEqualTo(sample);
    }
}
