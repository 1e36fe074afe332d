package swamp.protocol;

/** Marker for messages that cross the wire; bound to {@code jackson-cbor} in reference.conf. */
public interface CborSerializable {}
