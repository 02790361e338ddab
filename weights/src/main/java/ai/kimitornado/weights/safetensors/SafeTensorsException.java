package ai.kimitornado.weights.safetensors;

/**
 * Any problem reading or writing safetensors data. The message always names the file, the tensor (when one is
 * involved) and what was expected versus what was found.
 */
public class SafeTensorsException extends RuntimeException {
    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
