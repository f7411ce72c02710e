import type { MediaUploadReference } from '@helpdesk/domain';

/**
 * Keeps an agent's upload for good once a reply is about to record it; an upload never claimed is
 * swept once it expires (the API's MediaUploads). The claim comes after the reply's precondition
 * and its quota passed, so a refused reply leaves its upload to expire, and before the reply is
 * recorded, so no recorded reply names bytes a sweep may delete. Throws MEDIA_UPLOAD_NOT_FOUND when
 * the upload is gone or expired.
 */
export interface UploadClaims {
  claim(portalId: string, upload: MediaUploadReference, now: Date): Promise<void>;
}

export const UPLOAD_CLAIMS = Symbol('UPLOAD_CLAIMS');
