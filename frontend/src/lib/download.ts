// Downloads a file the server sends only with the bearer token (CSV and XLSX
// exports, certificate PDFs): fetched, then saved under the server's name.
import { useCallback, useState } from 'react';
import { ApiError, isErrorCode, toApiError } from '../api/errors';
import { getToken } from '../api/token';
import { useI18n } from '../i18n';

const byStatus: Record<number, ApiError['code']> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** The file name in a Content-Disposition header, if any. */
export function fileNameOf(disposition: string | null): string | null {
  const m = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : 'fetch failed');
  }
  if (!res.ok) {
    let code: ApiError['code'] = byStatus[res.status] ?? 'INTERNAL';
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { errors?: { message?: string; extensions?: { code?: unknown } }[]; code?: unknown; message?: string };
      const first = body.errors?.[0];
      const c = first?.extensions?.code ?? body.code;
      if (isErrorCode(c)) code = c;
      message = first?.message ?? body.message ?? message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new ApiError(code, message);
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileNameOf(res.headers.get('Content-Disposition')) ?? fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

/** A page's export buttons: which file is being fetched (one at a time) and
 * the last failure, for downloadFile of `/reports/{file}?{params}`. The
 * file's headings and words are in the app's language unless params say
 * otherwise (lang). */
export function useReportDownload(): { exporting: string | null; exportError: ApiError | null; exportFile: (file: string, params: URLSearchParams) => Promise<void> } {
  const { lang } = useI18n();
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const exportFile = useCallback(async (file: string, params: URLSearchParams) => {
    setExporting(file);
    setExportError(null);
    try {
      if (!params.has('lang')) params.set('lang', lang);
      await downloadFile(`/reports/${file}?${params}`, file);
    } catch (e) {
      setExportError(toApiError(e));
    } finally {
      setExporting(null);
    }
  }, [lang]);
  return { exporting, exportError, exportFile };
}
