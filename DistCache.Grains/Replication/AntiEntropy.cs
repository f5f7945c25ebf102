using System.Buffers.Binary;
using System.IO.Hashing;
using DistCache.Placement;

namespace DistCache.Replication;

/// <summary>
/// The arithmetic of anti-entropy between two nodes. Keys both nodes own on the ring fall into
/// <see cref="Buckets"/> buckets by hash; a bucket's digest is the sum of its entries' fingerprints
/// (key and full version), so two nodes holding the same versions of the same shared keys have equal
/// digests, whatever order they wrote them in. Only buckets whose digests differ are compared key by
/// key, and only entries that differ travel.
/// </summary>
internal static class AntiEntropy
{
    /// <summary>Buckets per digest: 2 KiB of digest per pair of nodes per round, whatever the key count.</summary>
    public const int Buckets = 256;

    public static int BucketOf(string key) => (int)(KeyHash.Of(key) % Buckets);

    /// <summary>A stable 64-bit fingerprint of a key at a version; the same on every silo.</summary>
    public static ulong Fingerprint(string key, CacheVersion version)
    {
        Span<byte> bytes = stackalloc byte[12 + 12 * CacheVersion.MaxAbsorbed];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version.Timestamp);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], version.WriterId);
        var length = 12;
        foreach (var dot in version.Absorbed ?? [])
        {
            if (length + 12 > bytes.Length)
            {
                break;
            }

            BinaryPrimitives.WriteInt32LittleEndian(bytes[length..], dot.WriterId);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[(length + 4)..], dot.Timestamp);
            length += 12;
        }

        return XxHash3.HashToUInt64(bytes[..length], unchecked((long)KeyHash.Of(key)));
    }

    /// <summary>
    /// One pass over what <paramref name="self"/> holds: for every other node it shares keys with on
    /// <paramref name="ring"/>, the digest of those shared keys. Digests are sums, so passes over parts
    /// of the store added <paramref name="into"/> the same digests give what one pass over all of it gives.
    /// </summary>
    public static Dictionary<string, ulong[]> DigestsByPeer(
        IEnumerable<KeySummary> held, string self, HashRing ring, int replicationFactor, Dictionary<string, ulong[]>? into = null)
    {
        var digests = into ?? new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        var selfIndex = ring.IndexOf(self);
        if (selfIndex < 0)
        {
            return digests;
        }

        Span<int> owners = stackalloc int[Math.Min(replicationFactor, ring.Nodes.Count)];
        foreach (var entry in held)
        {
            var count = ring.GetReplicas(entry.Key, replicationFactor, owners);
            if (!owners[..count].Contains(selfIndex))
            {
                continue;
            }

            var bucket = -1;
            var fingerprint = 0UL;
            foreach (var owner in owners[..count])
            {
                if (owner == selfIndex)
                {
                    continue;
                }

                if (bucket < 0)
                {
                    (bucket, fingerprint) = (BucketOf(entry.Key), Fingerprint(entry.Key, entry.Version));
                }

                var peer = ring.Nodes[owner].NodeId;
                if (!digests.TryGetValue(peer, out var digest))
                {
                    digests[peer] = digest = new ulong[Buckets];
                }

                digest[bucket] += fingerprint;
            }
        }

        return digests;
    }

    /// <summary>The digest of the keys <paramref name="self"/> holds and shares with <paramref name="peer"/>, added <paramref name="into"/> one if given.</summary>
    public static ulong[] DigestFor(IEnumerable<KeySummary> held, string self, string peer, HashRing ring, int replicationFactor, ulong[]? into = null)
    {
        var digest = into ?? new ulong[Buckets];
        foreach (var entry in Shared(held, self, peer, ring, replicationFactor))
        {
            digest[BucketOf(entry.Key)] += Fingerprint(entry.Key, entry.Version);
        }

        return digest;
    }

    /// <summary>The buckets whose digests differ.</summary>
    public static int[] Differing(ulong[] mine, ulong[] theirs)
    {
        if (mine.Length != theirs.Length)
        {
            throw new ArgumentException($"Digests of {mine.Length} and {theirs.Length} buckets cannot be compared.", nameof(theirs));
        }

        return Enumerable.Range(0, mine.Length).Where(i => mine[i] != theirs[i]).ToArray();
    }

    /// <summary>What <paramref name="self"/> holds that it shares with <paramref name="peer"/>, in <paramref name="buckets"/> only, added <paramref name="into"/> a list if given.</summary>
    public static List<KeySummary> SharedIn(
        IEnumerable<KeySummary> held, string self, string peer, HashRing ring, int replicationFactor, IReadOnlyCollection<int> buckets, List<KeySummary>? into = null)
    {
        var wanted = buckets.ToHashSet();
        var shared = into ?? [];
        shared.AddRange(Shared(held, self, peer, ring, replicationFactor).Where(e => wanted.Contains(BucketOf(e.Key))));
        return shared;
    }

    /// <summary>
    /// Compares what each side holds of the same keys: the keys whose version this side should send
    /// (the peer lacks them, holds them older, or in conflict) and the keys it should ask for (it lacks
    /// them, holds them older, or in conflict). A conflict goes both ways, so both sides resolve it.
    /// </summary>
    public static (List<string> Send, List<string> Want) Compare(IReadOnlyList<KeySummary> mine, IReadOnlyList<KeySummary> theirs)
    {
        var theirVersions = new Dictionary<string, CacheVersion>(theirs.Count, StringComparer.Ordinal);
        foreach (var entry in theirs)
        {
            theirVersions[entry.Key] = entry.Version;
        }

        var send = new List<string>();
        var want = new List<string>();
        foreach (var entry in mine)
        {
            if (!theirVersions.Remove(entry.Key, out var theirs1))
            {
                send.Add(entry.Key);
                continue;
            }

            switch (entry.Version.CompareCausally(theirs1))
            {
                case Causality.Newer:
                    send.Add(entry.Key);
                    break;
                case Causality.Older:
                    want.Add(entry.Key);
                    break;
                case Causality.Concurrent:
                    send.Add(entry.Key);
                    want.Add(entry.Key);
                    break;
            }
        }

        want.AddRange(theirVersions.Keys);
        return (send, want);
    }

    private static IEnumerable<KeySummary> Shared(IEnumerable<KeySummary> held, string self, string peer, HashRing ring, int replicationFactor)
    {
        var (selfIndex, peerIndex) = (ring.IndexOf(self), ring.IndexOf(peer));
        if (selfIndex < 0 || peerIndex < 0)
        {
            yield break;
        }

        var owners = new int[Math.Min(replicationFactor, ring.Nodes.Count)];
        foreach (var entry in held)
        {
            var count = ring.GetReplicas(entry.Key, replicationFactor, owners);
            var span = owners.AsSpan(0, count);
            if (span.Contains(selfIndex) && span.Contains(peerIndex))
            {
                yield return entry;
            }
        }
    }
}
