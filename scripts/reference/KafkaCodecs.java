import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * Record batches as Apache Kafka's own Java client (kafka-clients) writes them with each
 * compression codec, for src/kafka/codecs.test.ts: the same records once uncompressed and once per
 * codec (base64), with the uncompressed records' length and SHA-256. A v2 batch has a 61-byte header, then its records, compressed as a whole. Run by
 * kafka-codecs.sh, which finds kafka-clients and the codecs' jars of the local Kafka install.
 */
public class KafkaCodecs {
  private static final int BATCH_HEADER = 61;

  public static void main(String[] args) throws Exception {
    Random random = new Random(20261202L);
    List<SimpleRecord> records = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] value = new byte[20 + random.nextInt(400)];
      // Text-like and repetitive, as Avro-encoded predictions are, with some noise.
      for (int j = 0; j < value.length; j++) value[j] = (byte) (random.nextInt(50) > 0 ? 'a' + (j % 7) : random.nextInt(256));
      records.add(new SimpleRecord(1_764_633_600_000L + i * 37L, ("key-" + i).getBytes(StandardCharsets.UTF_8), value));
    }
    SimpleRecord[] all = records.toArray(new SimpleRecord[0]);
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"generator\": \"scripts/reference/KafkaCodecs.java\",\n");
    json.append("  \"kafka_clients\": \"").append(org.apache.kafka.common.utils.AppInfoParser.getVersion()).append("\",\n");
    json.append("  \"records\": ").append(all.length).append(",\n");
    byte[] plain = payload(MemoryRecords.withRecords(Compression.NONE, all));
    json.append("  \"uncompressed_bytes\": ").append(plain.length).append(",\n");
    json.append("  \"uncompressed_sha256\": \"").append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain))).append("\",\n");
    json.append("  \"compressed\": {\n");
    String[][] codecs = { { "gzip" }, { "snappy" }, { "lz4" }, { "zstd" } };
    for (int k = 0; k < codecs.length; k++) {
      String name = codecs[k][0];
      Compression c = switch (name) {
        case "gzip" -> Compression.gzip().build();
        case "snappy" -> Compression.snappy().build();
        case "lz4" -> Compression.lz4().build();
        default -> Compression.zstd().build();
      };
      json.append("    \"").append(name).append("\": \"").append(Base64.getEncoder().encodeToString(payload(MemoryRecords.withRecords(c, all)))).append('"');
      json.append(k + 1 < codecs.length ? ",\n" : "\n");
    }
    json.append("  }\n}\n");
    Files.writeString(Path.of(args[0]), json.toString());
  }

  /** The bytes after the batch header: the records, compressed when the batch is. */
  private static byte[] payload(MemoryRecords batch) {
    ByteBuffer b = batch.buffer().duplicate();
    byte[] out = new byte[b.remaining() - BATCH_HEADER];
    b.position(BATCH_HEADER);
    b.get(out);
    return out;
  }
}
