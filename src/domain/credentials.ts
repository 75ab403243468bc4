/** The domain value every layer passes around: what a link finds, STS returns, caches store and output prints. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** Absent: never expires (static keys). */
  expiration?: Date | undefined;
  accountId?: string | undefined;
}
