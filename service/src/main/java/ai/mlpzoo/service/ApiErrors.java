package ai.mlpzoo.service;

import ai.djl.translate.TranslateException;
import ai.mlpzoo.spring.NonFiniteOutputException;
import ai.mlpzoo.spring.PoolExhaustedException;
import ai.mlpzoo.spring.UnknownModelException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConversionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every failure of the API as a JSON {@link Api.Error}: 404 for an unknown model, 400 for malformed
 * content, 413 for a body over the limit, 503 when a model's predictors stay busy. Never a stack
 * trace, and a 500 only for a failure of the server itself.
 */
@RestControllerAdvice
class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<Api.Error> unknownModel(UnknownModelException e, HttpServletRequest req) {
        return error(HttpStatus.NOT_FOUND, e.getMessage(), req);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Api.Error> noResource(NoResourceFoundException e, HttpServletRequest req) {
        return error(HttpStatus.NOT_FOUND, "no such endpoint", req);
    }

    @ExceptionHandler({BadRequestException.class, IllegalArgumentException.class})
    ResponseEntity<Api.Error> badRequest(RuntimeException e, HttpServletRequest req) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage(), req);
    }

    @ExceptionHandler(HttpMessageConversionException.class)
    ResponseEntity<Api.Error> unreadable(HttpMessageConversionException e, HttpServletRequest req) {
        if (causedBy(e, BodyTimeoutException.class) != null) {
            return error(
                    HttpStatus.REQUEST_TIMEOUT,
                    causedBy(e, BodyTimeoutException.class).getMessage(),
                    req);
        }
        if (causedBy(e, PayloadTooLargeException.class) != null) {
            return error(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    causedBy(e, PayloadTooLargeException.class).getMessage(),
                    req);
        }
        return error(HttpStatus.BAD_REQUEST, describe(e), req);
    }

    /** A JSON problem in the client's terms: no class or method names. */
    private static String describe(HttpMessageConversionException e) {
        JsonProcessingException json = causedBy(e, JsonProcessingException.class);
        if (json == null) {
            return "the request body is missing or unreadable";
        }
        if (json instanceof JsonParseException) {
            return "malformed JSON: " + firstLine(json.getOriginalMessage());
        }
        StringBuilder where = new StringBuilder();
        if (json instanceof JsonMappingException m) {
            for (JsonMappingException.Reference r : m.getPath()) {
                where.append(
                        r.getFieldName() != null
                                ? "." + r.getFieldName()
                                : "[" + r.getIndex() + "]");
            }
        }
        return "the JSON does not have the expected form {\"data\": [numbers], \"shape\": [integers]}"
                + (where.length() == 0
                        ? ""
                        : " (at " + where.substring(where.charAt(0) == '.' ? 1 : 0) + ")");
    }

    @ExceptionHandler({
        MissingServletRequestParameterException.class,
        MissingServletRequestPartException.class,
        MethodArgumentTypeMismatchException.class
    })
    ResponseEntity<Api.Error> badParameter(Exception e, HttpServletRequest req) {
        String msg =
                e instanceof MethodArgumentTypeMismatchException m
                        ? "parameter '" + m.getName() + "' has a bad value"
                        : firstLine(e.getMessage());
        return error(HttpStatus.BAD_REQUEST, msg, req);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Api.Error> uploadTooLarge(
            MaxUploadSizeExceededException e, HttpServletRequest req) {
        return error(
                HttpStatus.PAYLOAD_TOO_LARGE,
                "the upload is larger than the limit (spring.servlet.multipart.max-file-size)",
                req);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Api.Error> multipart(MultipartException e, HttpServletRequest req) {
        return error(HttpStatus.BAD_REQUEST, "malformed multipart request", req);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Api.Error> tooLarge(PayloadTooLargeException e, HttpServletRequest req) {
        return error(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), req);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Api.Error> mediaType(
            HttpMediaTypeNotSupportedException e, HttpServletRequest req) {
        return error(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported content type "
                        + e.getContentType()
                        + "; send image/png, image/jpeg, multipart/form-data or application/json",
                req);
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Api.Error> notAcceptable(
            HttpMediaTypeNotAcceptableException e, HttpServletRequest req) {
        return error(HttpStatus.NOT_ACCEPTABLE, "the API answers application/json only", req);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Api.Error> method(
            HttpRequestMethodNotSupportedException e, HttpServletRequest req) {
        return error(
                HttpStatus.METHOD_NOT_ALLOWED,
                "method " + e.getMethod() + " is not supported here",
                req);
    }

    @ExceptionHandler(PoolExhaustedException.class)
    ResponseEntity<Api.Error> busy(PoolExhaustedException e, HttpServletRequest req) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage(), req);
    }

    @ExceptionHandler(ServiceBusyException.class)
    ResponseEntity<Api.Error> serviceBusy(ServiceBusyException e, HttpServletRequest req) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(
                        new Api.Error(
                                503,
                                HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase(),
                                e.getMessage(),
                                req.getRequestURI()));
    }

    @ExceptionHandler(NonFiniteOutputException.class)
    ResponseEntity<Api.Error> nonFinite(NonFiniteOutputException e, HttpServletRequest req) {
        return error(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage(), req);
    }

    @ExceptionHandler(BatchTooLargeException.class)
    ResponseEntity<Api.Error> batchTooLarge(BatchTooLargeException e, HttpServletRequest req) {
        return error(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage(), req);
    }

    @ExceptionHandler(BodyTimeoutException.class)
    ResponseEntity<Api.Error> bodyTimeout(BodyTimeoutException e, HttpServletRequest req) {
        return error(HttpStatus.REQUEST_TIMEOUT, e.getMessage(), req);
    }

    @ExceptionHandler(TranslateException.class)
    ResponseEntity<Api.Error> translate(TranslateException e, HttpServletRequest req) {
        IllegalArgumentException bad = causedBy(e, IllegalArgumentException.class);
        if (bad != null) {
            return error(HttpStatus.BAD_REQUEST, bad.getMessage(), req);
        }
        LOG.error("prediction failed on {}", req.getRequestURI(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "the prediction failed", req);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Api.Error> other(Exception e, HttpServletRequest req) {
        PayloadTooLargeException big = causedBy(e, PayloadTooLargeException.class);
        if (big != null) {
            return error(HttpStatus.PAYLOAD_TOO_LARGE, big.getMessage(), req);
        }
        BodyTimeoutException slow = causedBy(e, BodyTimeoutException.class);
        if (slow != null) {
            return error(HttpStatus.REQUEST_TIMEOUT, slow.getMessage(), req);
        }
        LOG.error("request {} failed", req.getRequestURI(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", req);
    }

    private static ResponseEntity<Api.Error> error(
            HttpStatus status, String message, HttpServletRequest req) {
        return ResponseEntity.status(status)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .body(
                        new Api.Error(
                                status.value(),
                                status.getReasonPhrase(),
                                message,
                                req.getRequestURI()));
    }

    private static <T extends Throwable> T causedBy(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
