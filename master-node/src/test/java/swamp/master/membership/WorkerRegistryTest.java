package swamp.master.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobDispatcherTest;
import swamp.master.membership.WorkerRegistry.AwaitNoWorkers;
import swamp.master.membership.WorkerRegistry.DismissWorkers;
import swamp.master.membership.WorkerRegistry.Dismissed;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.Unregister;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.NotRegistered;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/** Membership: who gets in, who is refused and why, who leaves; peers played by probes. */
class WorkerRegistryTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final String SECRET = "s3cret";
  static final long EPOCH = 1_700_000_000_123L;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A registry under test, its subscriber (as the dispatcher is), and the inbox workers find. */
  record Registry(ActorRef<WorkerRegistry.Command> ref, TestProbe<MembershipEvent> dispatcher,
      ActorRef<ToRegistry> inbox) {

    void register(String workerId, WorkerOffer offer, TestProbe<ToWorker> worker) {
      inbox.tell(new Register(workerId, offer, SECRET, ToRegistry.VERSION, List.of(), 0,
          worker.ref()));
    }

    MembershipEvent.WorkerJoined expectAdmit(String workerId) {
      MembershipEvent.WorkerJoined admit =
          dispatcher.expectMessageClass(MembershipEvent.WorkerJoined.class);
      assertEquals(workerId, admit.workerId());
      return admit;
    }

    /** Registers a worker and waits until the dispatcher was told to admit it. */
    TestProbe<ToWorker> admitted(String workerId, WorkerOffer offer) {
      TestProbe<ToWorker> worker = testKit.createTestProbe();
      register(workerId, offer, worker);
      expectAdmit(workerId);
      return worker;
    }
  }

  // ---- who gets in ----

  /**
   * A worker asks which master answers at its master's address: anyone may ask, without the
   * secret, and the answer is the master's epoch and whether it lists the worker asked for.
   */
  @Test
  void anyoneMayAskWhichMasterAnswersAndHearsItsEpoch() {
    Registry registry = registry(false);
    TestProbe<ToRegistry.MasterIs> asker = testKit.createTestProbe();

    registry.inbox().tell(new ToRegistry.WhichMaster(asker.ref(), null));

    assertEquals(new ToRegistry.MasterIs(EPOCH, true), asker.expectMessageClass(ToRegistry.MasterIs.class));
    registry.dispatcher().expectNoMessage(Duration.ofMillis(50)); // nobody joined or left
  }

  /** A registered worker hears that it is listed; one this master dropped, that it is not. */
  @Test
  void aWorkerAskingWhichMasterHearsWhetherItIsListed() {
    Registry registry = registry(false);
    TestProbe<ToRegistry.MasterIs> asker = testKit.createTestProbe();
    registry.admitted("w1", offer(1));

    registry.inbox().tell(new ToRegistry.WhichMaster(asker.ref(), "w1"));
    assertEquals(new ToRegistry.MasterIs(EPOCH, true), asker.expectMessageClass(ToRegistry.MasterIs.class));
    registry.inbox().tell(new ToRegistry.WhichMaster(asker.ref(), "w9"));
    assertEquals(new ToRegistry.MasterIs(EPOCH, false), asker.expectMessageClass(ToRegistry.MasterIs.class));
  }

  @Test
  void aWorkerWithTheRightSecretIsAdmitted() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();

    registry.register("w1", offer(4, "nco"), worker);

    MembershipEvent.WorkerJoined admit = registry.expectAdmit("w1");
    assertEquals(offer(4, "nco"), admit.offer());
    assertEquals(worker.ref(), admit.worker());
    worker.expectNoMessage(); // RegOk comes from the dispatcher, in order with the jobs
  }

  @Test
  void theRegistryIsFoundThroughTheReceptionist() {
    Registry registry = registry(false);
    TestProbe<Receptionist.Listing> probe = testKit.createTestProbe();

    testKit.system().receptionist().tell(Receptionist.find(ToRegistry.KEY, probe.ref()));

    assertTrue(probe.receiveMessage().getServiceInstances(ToRegistry.KEY)
        .contains(registry.inbox()));
  }

  @Test
  void anInsecureRegistryTakesAnySecret() {
    Registry registry = registry(true);
    TestProbe<ToWorker> worker = testKit.createTestProbe();

    registry.inbox().tell(new Register("w1", offer(1), "anything", ToRegistry.VERSION,
        List.of(), 0, worker.ref()));

    registry.expectAdmit("w1");
  }

  @Test
  void aRepeatedRegisterFromTheSameWorkerIsAdmittedAgain() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = registry.admitted("w1", offer(2));

    registry.register("w1", offer(2), worker); // its RegOk was lost: it tries again

    MembershipEvent.WorkerJoined again = registry.expectAdmit("w1");
    assertEquals(worker.ref(), again.worker());
    worker.expectNoMessage();
  }

  // ---- who is refused, and whether trying again helps ----

  @Test
  void aWrongSecretIsRefusedForGood() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();

    registry.inbox().tell(new Register("w1", offer(1), "guess", ToRegistry.VERSION,
        List.of(), 0, worker.ref()));

    NotRegistered failure = worker.expectMessageClass(NotRegistered.class);
    assertTrue(failure.reason().contains("wrong registration secret"), failure.reason());
    assertFalse(failure.reason().contains("guess"), "the reason must not echo the secret");
    assertFalse(failure.retryable());
    registry.dispatcher().expectNoMessage();
  }

  /** A worker started without SWAMP_SECRET was told "wrong registration secret". */
  @Test
  void aWorkerWithoutASecretIsToldItHasNone() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();

    registry.inbox().tell(new Register("w1", offer(1), "", ToRegistry.VERSION, List.of(), 0,
        worker.ref()));

    NotRegistered failure = worker.expectMessageClass(NotRegistered.class);
    assertTrue(failure.reason().startsWith("no registration secret: this master takes only"
        + " workers given its secret in SWAMP_SECRET"), failure.reason());
    assertFalse(failure.retryable());
  }

  @Test
  void noSecretIsWrongWhenTheMasterHasNone() {
    Registry registry = registry("", false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();

    registry.inbox().tell(new Register("w1", offer(1), "", ToRegistry.VERSION, List.of(), 0,
        worker.ref()));

    assertTrue(worker.expectMessageClass(NotRegistered.class).reason()
        .contains("wrong registration secret"));
  }

  @Test
  void anotherProtocolVersionIsRefusedForGoodNamingBoth() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    int other = ToRegistry.VERSION + 1;

    registry.inbox().tell(new Register("w1", offer(1), SECRET, other, List.of(), 0,
        worker.ref()));

    NotRegistered failure = worker.expectMessageClass(NotRegistered.class);
    assertTrue(failure.reason().contains("protocol version " + other), failure.reason());
    assertTrue(failure.reason().contains("speaks " + ToRegistry.VERSION), failure.reason());
    assertFalse(failure.retryable());
    registry.dispatcher().expectNoMessage();
  }

  @Test
  void anOfferWithoutSlotsIsRefusedForGood() {
    assertRefusedForGood("w1", offer(0), "slots must be between 1 and");
  }

  /** The master's own worker's id never frees: declining it would have the worker retry for 30 minutes. */
  @Test
  void theMastersOwnWorkersIdIsRefusedForGood() {
    assertRefusedForGood("master", offer(1), "worker id 'master' is the master's own worker's");
  }

  @Test
  void anEmptyWorkerIdIsRefusedForGood() {
    assertRefusedForGood("", offer(1), "worker id is empty");
  }

  @Test
  void aWorkerIdWithStrangeCharactersIsRefusedForGood() {
    assertRefusedForGood("w 1/..", offer(1), "worker id 'w 1/..'");
  }

  @Test
  void aBadCapabilityLabelIsRefusedForGood() {
    assertRefusedForGood("w1", offer(1, "no good"), "capability label 'no good'");
  }

  @Test
  void aRegistrationWithoutAnOfferIsRefusedForGood() {
    assertRefusedForGood("w1", null, "carries no offer");
  }

  @Test
  void everyProblemOfAnOfferIsNamed() {
    WorkerOffer bad = new WorkerOffer("", "url", 0, List.of(), List.of(""), -1, "0.1.0", false);
    NotRegistered failure = refused("w1", bad);
    for (String problem : List.of("host is empty", "slots must be", "memory must not be negative",
        "an allowed executable is empty")) {
      assertTrue(failure.reason().contains(problem), failure.reason());
    }
  }

  @Test
  void theSameIdFromAnotherWorkerIsRefusedForNow() {
    Registry registry = registry(false);
    registry.admitted("w1", offer(1));
    TestProbe<ToWorker> impostor = testKit.createTestProbe();

    registry.register("w1", offer(1), impostor);

    NotRegistered failure = impostor.expectMessageClass(NotRegistered.class);
    assertTrue(failure.retryable());
    assertTrue(failure.reason().contains("w1"), failure.reason());
    registry.dispatcher().expectNoMessage();
  }

  @Test
  void oneWorkerCannotRegisterUnderASecondIdAndTheRegistryKeepsWorking() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = registry.admitted("w1", offer(1));

    registry.register("w2", offer(1), worker);

    NotRegistered failure = worker.expectMessageClass(NotRegistered.class);
    assertFalse(failure.retryable());
    assertTrue(failure.reason().contains("w1"), failure.reason());
    registry.dispatcher().expectNoMessage();
    // still there: the first registration stands and is watched
    registry.admitted("w3", offer(1));
    worker.stop();
    assertEquals(new MembershipEvent.WorkerLeft("w1", "is gone"),
        registry.dispatcher().expectMessageClass(MembershipEvent.WorkerLeft.class));
  }

  @Test
  void aRegisterWithNowhereToAnswerIsDroppedAndTheRegistryKeepsWorking() {
    Registry registry = registry(false);

    registry.inbox().tell(new Register("w1", offer(1), SECRET, ToRegistry.VERSION, List.of(), 0,
        null));
    registry.inbox().tell(new Register("w2", offer(0), SECRET, ToRegistry.VERSION, List.of(), 0,
        null));

    registry.admitted("w3", offer(1));
  }

  // ---- who leaves ----

  @Test
  void aStoppedWorkerIsRemovedAndItsIdIsFreeAgain() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = registry.admitted("w1", offer(1));

    worker.stop();

    MembershipEvent.WorkerLeft remove = registry.dispatcher().expectMessageClass(MembershipEvent.WorkerLeft.class);
    assertEquals("w1", remove.workerId());
    TestProbe<ToWorker> reborn = registry.admitted("w1", offer(1));
    assertFalse(reborn.ref().equals(worker.ref()));
  }

  @Test
  void anUnregisteredWorkerIsRemovedWithItsReasonAndNotAgainWhenItStops() {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = registry.admitted("w1", offer(1));

    // a goodbye naming w1 from any other ref is ignored
    TestProbe<ToWorker> rogue = testKit.createTestProbe();
    registry.inbox().tell(new Unregister("w1", "forged", rogue.ref()));
    registry.dispatcher().expectNoMessage(java.time.Duration.ofMillis(300));

    registry.inbox().tell(new Unregister("w1", "dismissed: done", worker.ref()));

    MembershipEvent.WorkerLeft remove = registry.dispatcher().expectMessageClass(MembershipEvent.WorkerLeft.class);
    assertEquals("w1", remove.workerId());
    assertTrue(remove.reason().contains("dismissed: done"), remove.reason());
    worker.stop();
    registry.dispatcher().expectNoMessage();
  }

  @Test
  void dismissingAllSendsDismissToEveryExternalWorkerAndDrainsThem() {
    Registry registry = registry(false);
    TestProbe<ToWorker> a = registry.admitted("a", offer(1));
    TestProbe<ToWorker> b = registry.admitted("b", offer(1));
    TestProbe<ToWorker> local = registry.admitted("local", embedded(2));

    Dismissed dismissed = ask(registry, r -> new DismissWorkers(null, "pool shrinks", r));

    assertNull(dismissed.error());
    assertEquals(Set.of("a", "b"), Set.copyOf(dismissed.workerIds()));
    assertEquals(new Dismiss("pool shrinks"), a.expectMessageClass(Dismiss.class));
    assertEquals(new Dismiss("pool shrinks"), b.expectMessageClass(Dismiss.class));
    local.expectNoMessage();
    Set<String> drained = Set.of(
        registry.dispatcher().expectMessageClass(MembershipEvent.WorkerDraining.class).workerId(),
        registry.dispatcher().expectMessageClass(MembershipEvent.WorkerDraining.class).workerId());
    assertEquals(Set.of("a", "b"), drained);
  }

  @Test
  void dismissingOneWorkerLeavesTheOthers() {
    Registry registry = registry(false);
    TestProbe<ToWorker> a = registry.admitted("a", offer(1));
    TestProbe<ToWorker> b = registry.admitted("b", offer(1));

    Dismissed dismissed = ask(registry, r -> new DismissWorkers("b", "operator", r));

    assertEquals(List.of("b"), dismissed.workerIds());
    assertEquals(new MembershipEvent.WorkerDraining("b"), registry.dispatcher().receiveMessage());
    b.expectMessageClass(Dismiss.class);
    a.expectNoMessage();
  }

  @Test
  void dismissingAnUnknownOrEmbeddedWorkerSaysSo() {
    Registry registry = registry(false);
    registry.admitted("local", embedded(1));

    Dismissed ghost = ask(registry, r -> new DismissWorkers("ghost", "operator", r));
    Dismissed local = ask(registry, r -> new DismissWorkers("local", "operator", r));

    assertEquals(List.of(), ghost.workerIds());
    assertTrue(ghost.error().contains("no worker ghost is registered"), ghost.error());
    assertTrue(local.error().contains("local"), local.error());
    registry.dispatcher().expectNoMessage();
  }

  @Test
  void awaitNoWorkersAnswersOnceEveryExternalWorkerIsGone() {
    Registry registry = registry(false);
    registry.admitted("local", embedded(1));
    TestProbe<ToWorker> a = registry.admitted("a", offer(1));
    TestProbe<ToWorker> b = registry.admitted("b", offer(1));

    CompletableFuture<WorkerRegistry.Done> none = asking(registry, AwaitNoWorkers::new);
    registry.inbox().tell(new Unregister("b", "dismissed: bye", b.ref()));
    registry.dispatcher().expectMessageClass(MembershipEvent.WorkerLeft.class);
    assertFalse(none.isDone());

    a.stop();

    assertEquals(WorkerRegistry.Done.INSTANCE, none.join());
    assertEquals(WorkerRegistry.Done.INSTANCE, ask(registry, AwaitNoWorkers::new)); // at once now
  }

  // ---- who follows ----

  @Test
  void aFollowerHearsWhoIsRegisteredThenEveryChangeWithoutAskingTheWorkersAnything() {
    Registry registry = registry(false);
    TestProbe<ToWorker> w1 = registry.admitted("w1", offer(2, "nco"));
    TestProbe<MembershipEvent> scaler = testKit.createTestProbe();

    WorkerRegistry.Members now = ask(registry,
        r -> new WorkerRegistry.Follow("the pool scaler", scaler.ref(), r));

    assertEquals(java.util.Map.of("w1", offer(2, "nco")), now.offers());
    w1.expectNoMessage(Duration.ofMillis(100)); // no RegisterAgain: following asks nothing of them
    TestProbe<ToWorker> w2 = registry.admitted("w2", offer(1));
    assertEquals("w2", scaler.expectMessageClass(MembershipEvent.WorkerJoined.class).workerId());
    registry.inbox().tell(new Unregister("w2", "done", w2.ref()));
    assertEquals("w2", scaler.expectMessageClass(MembershipEvent.WorkerLeft.class).workerId());
    assertEquals("w2", registry.dispatcher().expectMessageClass(MembershipEvent.WorkerLeft.class)
        .workerId()); // the subscriber hears it as before
  }

  // ---- the story's helpers ----

  static Registry registry(boolean insecure) {
    return registry(SECRET, insecure);
  }

  /** Spawns a registry and finds its inbox as a worker would: through the Receptionist. */
  static Registry registry(String secret, boolean insecure) {
    TestProbe<MembershipEvent> dispatcher = testKit.createTestProbe();
    ActorRef<WorkerRegistry.Command> ref =
        testKit.spawn(WorkerRegistry.create(secret, insecure, EPOCH));
    ref.tell(new WorkerRegistry.Subscribe("test", dispatcher.ref()));
    TestProbe<Receptionist.Listing> listings = testKit.createTestProbe();
    ActorRef<ToRegistry> inbox = listings.awaitAssert(() -> {
      testKit.system().receptionist().tell(Receptionist.find(ToRegistry.KEY, listings.ref()));
      // every test's registry registers under the one key: take the adapter of this one
      return listings.receiveMessage().getServiceInstances(ToRegistry.KEY).stream()
          .filter(r -> r.path().parent().equals(ref.path())).findFirst().orElseThrow();
    });
    return new Registry(ref, dispatcher, inbox);
  }

  static void assertRefusedForGood(String workerId, WorkerOffer offer, String problem) {
    NotRegistered failure = refused(workerId, offer);
    assertTrue(failure.reason().startsWith("invalid offer: "), failure.reason());
    assertTrue(failure.reason().contains(problem), failure.reason());
  }

  static NotRegistered refused(String workerId, WorkerOffer offer) {
    Registry registry = registry(false);
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    registry.register(workerId, offer, worker);
    NotRegistered failure = worker.expectMessageClass(NotRegistered.class);
    assertFalse(failure.retryable());
    registry.dispatcher().expectNoMessage(Duration.ofMillis(50));
    return failure;
  }

  /** Operators' requests go by ask, as the HTTP API's and MasterMain's do. */
  static <T> CompletableFuture<T> asking(Registry registry,
      org.apache.pekko.japi.function.Function<ActorRef<T>, WorkerRegistry.Command> question) {
    return AskPattern.ask(registry.ref(), question, Duration.ofSeconds(5), testKit.scheduler())
        .toCompletableFuture();
  }

  static <T> T ask(Registry registry,
      org.apache.pekko.japi.function.Function<ActorRef<T>, WorkerRegistry.Command> question) {
    return asking(registry, question).join();
  }

  static WorkerOffer offer(int slots, String... labels) {
    return JobDispatcherTest.offer(slots, labels);
  }

  static WorkerOffer embedded(int slots) {
    return JobDispatcherTest.embedded(slots);
  }
}
