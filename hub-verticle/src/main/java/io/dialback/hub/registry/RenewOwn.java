package io.dialback.hub.registry;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renews the lease of the registry entries a given member stored, where the entries live: a hub
 * renews all its agents with one operation per partition instead of two round trips per agent every
 * few seconds (with 3,000 agents a hub, those round trips took longer than the renewal period on
 * two loaded cores, and held up logins). Returns each entry's value, so the hub can tell which of
 * its names it still holds: one it holds no more is absent from the answer.
 */
final class RenewOwn implements EntryProcessor<String, String, String>, RegistryTypes.Type {
  private static final long serialVersionUID = 1L;

  private String member;
  private long leaseMs;

  /** For {@link RegistryTypes}. */
  RenewOwn() {}

  RenewOwn(String member, long leaseMs) {
    this.member = member;
    this.leaseMs = leaseMs;
  }

  /**
   * Renews every entry {@code member} stored, for {@code leaseMs}, where the entries live, and
   * returns them (name → value): one operation per partition over that partition's own entries
   * ({@link OfMember}). Not {@code executeOnKeys} with the hub's names: Hazelcast 5.3 sends each
   * partition's operation, and its backup, the whole set of keys, and each walks, hashes and
   * serializes all of them. With 10,000 agents on three hubs that was 271 × 3,300 keys per hub
   * every pass: such operations took 62 % of a survivor's partition-thread samples (JFR), and in
   * that run no slice of 512 names was renewed within 5 s, before the kill as after it. Blocks.
   */
  static Map<String, String> renewAll(IMap<String, String> map, String member, long leaseMs) {
    return map.executeOnEntries(new RenewOwn(member, leaseMs), new OfMember(member));
  }

  /**
   * The entries {@code member} stored (name → value), as {@link #renewAll} returns them, read where
   * they live and left as they are: no write, so no backup operation and no update event per entry.
   * Blocks.
   */
  static Map<String, String> findAll(IMap<String, String> map, String member) {
    return map.executeOnEntries(new Find(), new OfMember(member));
  }

  /** Reads the entries the predicate selects. */
  static final class Find
      implements EntryProcessor<String, String, String>, ReadOnly, RegistryTypes.Type {
    private static final long serialVersionUID = 1L;

    @Override
    public String process(Map.Entry<String, String> entry) {
      return entry.getValue();
    }

    @Override
    public EntryProcessor<String, String, String> getBackupProcessor() {
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) {}

    @Override
    public void readData(ObjectDataInput in) {}

    @Override
    public int getClassId() {
      return RegistryTypes.FIND;
    }
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    if (current != null && OfMember.storedBy(current, member)) {
      ((ExtendedMapEntry<String, String>) entry).setValue(current, leaseMs, TimeUnit.MILLISECONDS);
    }
    return current;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(member);
    out.writeLong(leaseMs);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    member = in.readString();
    leaseMs = in.readLong();
  }

  @Override
  public int getClassId() {
    return RegistryTypes.RENEW_OWN;
  }
}
