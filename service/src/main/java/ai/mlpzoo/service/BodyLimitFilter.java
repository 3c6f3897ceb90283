package ai.mlpzoo.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API request bodies over {@code mlpzoo.service.max-body-size} with 413: at once when the
 * Content-Length says so, and while reading when the body is chunked. Multipart uploads are limited
 * by {@code spring.servlet.multipart.*} instead.
 */
@Component
class BodyLimitFilter extends OncePerRequestFilter {

    private final long limit;
    private final long timeoutMillis;
    private final ObjectMapper mapper;

    BodyLimitFilter(ServiceProperties props, ObjectMapper mapper) {
        this.limit = props.getMaxBodySize().toBytes();
        this.timeoutMillis = props.getBodyReadTimeout().toMillis();
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String ct = request.getContentType();
        return !request.getRequestURI().startsWith("/v1/")
                || (ct != null && ct.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/"));
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setHeader("Connection", "close");
            mapper.writeValue(
                    response.getOutputStream(),
                    new Api.Error(
                            413,
                            HttpStatus.PAYLOAD_TOO_LARGE.getReasonPhrase(),
                            new PayloadTooLargeException(limit).getMessage(),
                            request.getRequestURI()));
            return;
        }
        chain.doFilter(new Limited(request, limit, timeoutMillis), response);
    }

    /**
     * A request whose body stream fails once more than the limit has been read, or once the body
     * has taken longer than the timeout: a client trickling a byte at a time would otherwise hold a
     * request thread as long as it likes (Tomcat's read timeout restarts at every byte).
     */
    private static final class Limited extends HttpServletRequestWrapper {

        private final long limit;
        private final long timeoutMillis;
        private final long start = System.nanoTime();
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit, long timeoutMillis) {
            super(request);
            this.limit = limit;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream =
                        new ServletInputStream() {
                            private long read;

                            @Override
                            public int read() throws IOException {
                                int b = in.read();
                                if (b >= 0) {
                                    count(1);
                                }
                                return b;
                            }

                            @Override
                            public int read(byte[] buf, int off, int len) throws IOException {
                                int n = in.read(buf, off, len);
                                if (n > 0) {
                                    count(n);
                                }
                                return n;
                            }

                            private void count(int n) throws IOException {
                                if (System.nanoTime() - start > timeoutMillis * 1_000_000L) {
                                    throw new BodyTimeoutException(timeoutMillis);
                                }
                                read += n;
                                if (read > limit) {
                                    throw new PayloadTooLargeException(limit);
                                }
                            }

                            @Override
                            public boolean isFinished() {
                                return in.isFinished();
                            }

                            @Override
                            public boolean isReady() {
                                return in.isReady();
                            }

                            @Override
                            public void setReadListener(ReadListener listener) {
                                in.setReadListener(listener);
                            }
                        };
            }
            return stream;
        }
    }
}
