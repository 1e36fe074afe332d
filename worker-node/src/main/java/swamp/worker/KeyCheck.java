package swamp.worker;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether the masters' addresses answer but can never take this worker: they reject its pool key,
 * or speak the other transport (TLS, or plain tcp with --insecure; see {@link MasterKeyCheck}):
 * the reason to end the worker when they do, empty when they accept it or give no verdict (not up
 * yet, silent). Blocks for seconds: actors run it through a {@link PacedKeyCheck}.
 */
@FunctionalInterface
public interface KeyCheck {

  /** The least time between two starts of a check, whoever asks for it. */
  Duration EVERY = Duration.ofSeconds(5);

  Optional<String> rejected();

  /**
   * Why the masters' addresses, which may yet take this worker, have not let it join, where that
   * is plain (nothing listens there; a master answers with this worker's key but takes it under
   * another address); empty otherwise. Blocks for seconds, as {@link #rejected} does.
   */
  default Optional<String> unjoined() {
    return Optional.empty();
  }
}
