/**
 * Writes the smallest ONNX model transformers.js can run as a feature extractor: one Gather node
 * mapping `input_ids` [batch, sequence] (int64) to `last_hidden_state` [batch, sequence, dims]
 * through an embedded Float32 table. Hand-encoded protobuf (onnx.proto3): no dependency needed.
 */

const enum WireType {
  Varint = 0,
  LengthDelimited = 2,
}

class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.byteLength;
  }

  private varint(value: number | bigint): void {
    let v = BigInt(value);
    const out: number[] = [];
    while (v > 0x7fn) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: WireType): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.byteLength);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}

const FLOAT = 1;
const INT64 = 7;

type Dim = number | string;

function valueInfo(w: ProtoWriter, name: string, elemType: number, dims: readonly Dim[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, elemType);
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

export interface GatherModelOptions {
  /** Row-major [rows × dims] Float32 table; row i is the vector of token id i. */
  readonly table: Float32Array;
  readonly rows: number;
  readonly dims: number;
  readonly producer?: string;
}

/**
 * Encodes the Gather model as ONNX protobuf bytes (IR version 8, opset 13).
 * @throws TypeError when table length ≠ rows × dims.
 */
export function encodeGatherModel(options: GatherModelOptions): Uint8Array {
  const { table, rows, dims } = options;
  if (table.length !== rows * dims) throw new TypeError(`table has ${table.length} values, expected ${rows} × ${dims}`);
  const raw = new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!littleEndian) throw new TypeError('encodeGatherModel needs a little-endian host');
  return new ProtoWriter()
    .int(1, 8)
    .string(2, options.producer ?? 'pharos')
    .message(7, (graph) => {
      graph.message(1, (node) => {
        node.string(1, 'embeddings');
        node.string(1, 'input_ids');
        node.string(2, 'last_hidden_state');
        node.string(3, 'gather');
        node.string(4, 'Gather');
      });
      graph.string(2, 'word-embeddings');
      graph.message(5, (tensor) => {
        tensor.int(1, rows);
        tensor.int(1, dims);
        tensor.int(2, FLOAT);
        tensor.string(8, 'embeddings');
        tensor.bytes(9, raw);
      });
      graph.message(11, (w) => valueInfo(w, 'input_ids', INT64, ['batch_size', 'sequence_length']));
      graph.message(12, (w) => valueInfo(w, 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dims]));
    })
    .message(8, (opset) => {
      opset.string(1, '');
      opset.int(2, 13);
    })
    .finish();
}
