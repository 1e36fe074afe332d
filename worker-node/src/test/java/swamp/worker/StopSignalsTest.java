package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopSignalsTest {

  @Test
  void aSignalReachesTheCurrentSystemsWorker() {
    StopSignals signals = new StopSignals();
    List<String> heard = new ArrayList<>();
    signals.attach(stop -> heard.add(stop.reason()));
    assertEquals(List.of(), heard, "nothing before a signal");
    signals.signalled("TERM");
    assertEquals(List.of("stopped by SIGTERM"), heard);
  }

  @Test
  void aSignalBetweenTwoSystemsStopsTheNextOne() {
    StopSignals signals = new StopSignals();
    List<String> first = new ArrayList<>();
    signals.attach(stop -> first.add(stop.reason()));
    // the first system was removed from the cluster; the worker is joining again and its next
    // system is not up yet: the first one's worker is gone, its mailbox a dead letter box
    signals.signalled("TERM");
    List<String> next = new ArrayList<>();
    signals.attach(stop -> next.add(stop.reason()));
    assertEquals(List.of("stopped by SIGTERM"), next, "the next system's worker stops");
  }

  @Test
  void aSignalThatReachedARemovedSystemStillStopsEveryLaterOne() {
    StopSignals signals = new StopSignals();
    signals.attach(stop -> {});
    signals.signalled("INT");
    List<String> later = new ArrayList<>();
    signals.attach(stop -> later.add("second: " + stop.reason()));
    signals.attach(stop -> later.add("third: " + stop.reason()));
    assertEquals(List.of("second: stopped by SIGINT", "third: stopped by SIGINT"), later);
  }
}
