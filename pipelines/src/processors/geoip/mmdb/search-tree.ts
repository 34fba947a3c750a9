// Walks the binary search tree (spec "Binary Search Tree Section") one bit of the address per
// node, reading each node's record through the page cache.
import { type FilePages, PAGE_SIZE } from './file-pages.ts';
import type { MmdbMetadata } from './metadata.ts';
import { MmdbError } from './mmdb-error.ts';
import { recordAt } from './tree-check.ts';

export const NOT_FOUND = -1;

export class SearchTree {
  private readonly pages: FilePages;
  private readonly nodeCount: number;
  private readonly recordSize: number;
  private readonly nodeBytes: number;
  private readonly ipVersion: 4 | 6;
  private readonly dataSize: number;
  /** The node IPv4 lookups start from: 96 zero bits down an IPv6 tree. */
  private readonly ipv4Start: number;

  constructor(pages: FilePages, metadata: MmdbMetadata) {
    this.pages = pages;
    this.nodeCount = metadata.nodeCount;
    this.recordSize = metadata.recordSize;
    this.nodeBytes = metadata.recordSize / 4;
    this.ipVersion = metadata.ipVersion;
    this.dataSize = metadata.dataEnd - metadata.dataStart;
    let node = 0;
    if (this.ipVersion === 6) for (let i = 0; i < 96 && node < this.nodeCount; i++) node = this.record(node, 0);
    this.ipv4Start = node;
  }

  /**
   * The data-section offset of the record for an address (4 or 16 bytes, network order), or
   * NOT_FOUND. An IPv6 address in an IPv4 database is not found.
   */
  find(address: ArrayLike<number>): number {
    const bits = address.length * 8;
    if (bits === 128 && this.ipVersion === 4) return NOT_FOUND;
    let node = bits === 32 ? this.ipv4Start : 0;
    for (let i = 0; i < bits && node < this.nodeCount; i++) {
      node = this.record(node, (address[i >> 3] >> (7 - (i & 7))) & 1);
    }
    if (node === this.nodeCount) return NOT_FOUND;
    if (node < this.nodeCount) throw this.corrupt(`the tree is deeper than ${bits} bits`);
    const offset = node - this.nodeCount - 16;
    if (offset < 0 || offset >= this.dataSize)
      throw this.corrupt(`a record points to ${offset}, past the data section`);
    return offset;
  }

  /** The left (bit 0) or right (bit 1) record of a node. */
  private record(node: number, bit: number): number {
    const position = node * this.nodeBytes;
    // Read from the page cache's slab directly unless the node straddles two pages (rare).
    let b: Buffer;
    let at: number;
    if ((position % PAGE_SIZE) + this.nodeBytes <= PAGE_SIZE) {
      b = this.pages.slab;
      at = this.pages.at(position);
    } else {
      b = this.pages.bytes(position, this.nodeBytes);
      at = 0;
    }
    return recordAt(b, at, bit, this.recordSize);
  }

  private corrupt(what: string): MmdbError {
    return new MmdbError(`${this.pages.path}: corrupt search tree: ${what}`);
  }
}
