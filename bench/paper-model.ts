/**
 * The paper model of BENCHMARKS.md: assumptions (stack defaults, latencies, us-east-1 list
 * prices) and the cost per 10,000 images they imply. Not a measurement.
 */
export const MODEL = {
  /** Stack defaults (lib/infra/config.ts, pipeline-construct.ts). */
  jobs: 10,
  batchSize: 5,
  validatorMemoryGb: 1,
  /** One invocation validating `batchSize` images concurrently against internet registries. */
  invocationSeconds: 0.5,
  rttMs: 80,
  coldStartFactor: 1.1,
  /** Prices (us-east-1 list prices; verify before use). */
  lambdaGbSecond: 0.0000133334,
  lambdaPerMillion: 0.2,
  sqsPerMillion: 0.4,
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
  /** Aggregator memory (lib/infra/pipeline-construct.ts: AGGREGATOR_MEMORY_MB, one vCPU). */
  aggregatorMemoryGb: 1769 / 1024,
  /** Without scale measurements: the aggregator's checks per run (each LISTs 1,000 keys per call). */
  aggregatorChecks: 10,
} as const;

/** The aggregator per line, measured by `npm run bench -- --scale-only` (bench/scale-markdown.ts). */
export interface AggregatorRates {
  /** S3 requests billed at the PUT rate (PUT, COPY, POST, LIST) and at the GET rate (GET, HEAD). */
  readonly putRate: number;
  readonly getRate: number;
  /** Invocation seconds (all invocations) per line. */
  readonly secondsPerLine: number;
}

export interface CostLines {
  readonly lambdaCompute: number;
  readonly lambdaRequests: number;
  readonly sqs: number;
  readonly s3: number;
  readonly total: number;
}

function per10k(cold: boolean, agg?: AggregatorRates): CostLines {
  const images = 10_000;
  const invocations = images / MODEL.batchSize;
  const aggregatorCompute = agg ? agg.secondsPerLine * images * MODEL.aggregatorMemoryGb * MODEL.lambdaGbSecond : 0;
  const lambdaCompute = invocations * MODEL.invocationSeconds * MODEL.coldStartFactor * MODEL.validatorMemoryGb * MODEL.lambdaGbSecond + aggregatorCompute;
  const progressBatches = Math.ceil(invocations / 100);
  const lambdaRequests = ((invocations + progressBatches + 1) * MODEL.lambdaPerMillion) / 1e6;
  // work queue: sends batched by 10, one receive and one delete batch per invocation; progress: one send per invocation.
  const sqsRequests = images / 10 + invocations * 2 + invocations + progressBatches * 2;
  const sqs = (sqsRequests * MODEL.sqsPerMillion) / 1e6;
  const aggregatorPuts = agg ? agg.putRate * images : (images / 1000) * MODEL.aggregatorChecks;
  const aggregatorGets = agg ? agg.getRate * images : images /* reads each result */;
  const puts = images /* result */ + (cold ? images : 0) /* cache */ + aggregatorPuts;
  const gets = images /* result HEAD (idempotence) */ + images /* cache read */ + aggregatorGets;
  const s3 = (puts * MODEL.s3PutPer1000) / 1000 + (gets * MODEL.s3GetPer1000) / 1000;
  return { lambdaCompute, lambdaRequests, sqs, s3, total: lambdaCompute + lambdaRequests + sqs + s3 };
}

/** Cost per 10,000 images (cold and warm cache) and the default throughput; the aggregator as measured when given. */
export function costModel(agg?: AggregatorRates): { cold: CostLines; warm: CostLines; imagesPerSecondDefault: number } {
  return { cold: per10k(true, agg), warm: per10k(false, agg), imagesPerSecondDefault: (MODEL.jobs * MODEL.batchSize) / MODEL.invocationSeconds };
}
