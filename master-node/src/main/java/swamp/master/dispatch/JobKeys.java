package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import swamp.protocol.JobSpec;

/**
 * The idempotency keys of the {@link JobBook}'s jobs: a key names the job submitted with it for
 * as long as the book holds that job, so that a submit sent again yields that job, not a new one.
 */
final class JobKeys {
  private final Map<String, Job> byKey = new HashMap<>();

  /**
   * Why these jobs cannot be accepted, or null: a key given again with another command than the
   * job it names (a retry must repeat its request; a new job needs a new key).
   */
  String conflict(List<JobEvent.NewJob> requested) {
    Map<String, JobSpec> inBatch = new HashMap<>();
    for (JobEvent.NewJob n : requested) {
      if (n.key() == null) {
        continue;
      }
      Job known = byKey.get(n.key());
      if (known != null && !known.spec.equals(n.spec())) {
        return "key '" + n.key() + "' is job " + known.id + ", submitted with another " + differences(known.spec, n.spec())
            + " (its command: " + known.spec.commandText() + "); a retry must send the same job, a new job needs a new key";
      }
      JobSpec earlier = inBatch.putIfAbsent(n.key(), n.spec());
      if (earlier != null && !earlier.equals(n.spec())) {
        return "key '" + n.key() + "' is given twice in the batch with another " + differences(earlier, n.spec());
      }
    }
    return null;
  }

  /** The fields in which two requests for one key differ: "timeout", "argv and env"... */
  static String differences(JobSpec a, JobSpec b) {
    List<String> fields = new ArrayList<>();
    for (java.lang.reflect.RecordComponent c : JobSpec.class.getRecordComponents()) {
      try {
        if (!java.util.Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
          fields.add(c.getName().equals("timeoutMs") ? "timeout" : c.getName());
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return fields.isEmpty() ? "request" : String.join(", ", fields);
  }

  /** The jobs of {@code requested} that are new: no key, or one not known nor given before it. */
  List<JobEvent.NewJob> fresh(List<JobEvent.NewJob> requested) {
    List<JobEvent.NewJob> fresh = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (JobEvent.NewJob n : requested) {
      if (n.key() == null || (!byKey.containsKey(n.key()) && keys.add(n.key()))) {
        fresh.add(n);
      }
    }
    return fresh;
  }

  /** The job {@code key} names; null when it names none (or is null). */
  Job job(String key) {
    return key == null ? null : byKey.get(key);
  }

  void add(Job job) {
    if (job.key != null) {
      byKey.put(job.key, job);
    }
  }

  void remove(Job job) {
    if (job.key != null) {
      byKey.remove(job.key);
    }
  }
}
